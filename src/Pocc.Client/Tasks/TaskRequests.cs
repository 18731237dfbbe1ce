using Pocc.Client.Models;
using Pocc.Client.Transactions;
using Pocc.Core.Matrices;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Client.Tasks;

/// <summary>
/// The requester's side of the compute market: post a task (uploading its inputs), follow it to its outcome, fetch
/// its result.
/// </summary>
public static class TaskRequests
{
    /// <summary>
    /// Posts <paramref name="spec"/> with <paramref name="fee"/> escrowed, signed by <paramref name="requester"/> with
    /// its account's next nonce, waits until the posting is finalized and returns the task's id. The inputs must be
    /// stored on the node already.
    /// </summary>
    public static async Task<PostedTask> PostTaskAsync(this TransactionSubmitter requester, TaskSpec spec, Amount fee, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(spec);
        var tx = await requester.SubmitAsync(new PostTask(spec, fee), cancellationToken).ConfigureAwait(false);
        var lookup = await requester.Client.WaitForTransactionAsync(tx.Hash, cancellationToken).ConfigureAwait(false);
        ulong height = lookup.Height ?? throw new PoccClientException($"the node says transaction {tx.Hash} is finalized but gives no height");
        ulong id = await FindPostedTaskAsync(requester, tx, spec, height, cancellationToken).ConfigureAwait(false);
        return new PostedTask(id, height, tx, spec);
    }

    /// <summary>
    /// Uploads <paramref name="a"/> and <paramref name="b"/> as blobs and posts C = A·B (kind from their element type)
    /// with <paramref name="options"/>; see <see cref="PostTaskAsync"/>.
    /// </summary>
    public static async Task<PostedTask> PostMatmulTaskAsync(this TransactionSubmitter requester, Matrix a, Matrix b, MatmulTaskOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(options);
        if (a.ElementType != b.ElementType || a.Cols != b.Rows)
        {
            throw new ArgumentException($"A·B needs A's columns to be B's rows and one element type; A is {a.Shape}, B is {b.Shape}", nameof(b));
        }
        var kind = a.ElementType == MatrixElementType.Mod61 ? TaskKind.MatmulMod61 : TaskKind.MatmulFloat64;
        var inputA = await requester.Client.UploadMatrixAsync(a, cancellationToken).ConfigureAwait(false);
        var inputB = await requester.Client.UploadMatrixAsync(b, cancellationToken).ConfigureAwait(false);
        var spec = options.ToSpec(kind, (uint)a.Rows, (uint)a.Cols, (uint)b.Cols, inputA, inputB);
        return await requester.PostTaskAsync(spec, options.Fee, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Posts C = A·B (see <see cref="PostMatmulTaskAsync"/>) and waits until the task is settled, rejected or expired
    /// (see <see cref="PoccClient.WaitForTaskAsync"/>); returns it as it closed.
    /// </summary>
    public static async Task<TaskModel> RunMatmulTaskAsync(this TransactionSubmitter requester, Matrix a, Matrix b, MatmulTaskOptions options,
        Action<TaskModel>? onChange = null, CancellationToken cancellationToken = default)
    {
        var posted = await requester.PostMatmulTaskAsync(a, b, options, cancellationToken).ConfigureAwait(false);
        return await requester.Client.WaitForTaskAsync(posted.Id, onChange, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads the result <paramref name="task"/> committed, checked against its root and its shape. Whether the
    /// chain verified it is the task's <see cref="TaskModel.State"/> (settled or verified); this does not check.
    /// </summary>
    public static async Task<Matrix> DownloadResultAsync(this PoccClient client, TaskModel task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var view = TaskView.From(task);
        var result = view.Result ?? throw new PoccClientException($"task {view.Id} is {view.State} and has no committed result");
        return await client.DownloadMatrixAsync(result, view.ElementType, view.Rows, view.Columns, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The id of the task <paramref name="tx"/> posted: the newest task of this requester with this spec posted at its height.</summary>
    private static async Task<ulong> FindPostedTaskAsync(TransactionSubmitter requester, SignedTransaction tx, TaskSpec spec, ulong height,
        CancellationToken cancellationToken)
    {
        string address = requester.Address.ToString(), kind = WireNames.Name(spec.Kind);
        await foreach (var task in requester.Client.EnumerateTasksAsync(new TaskQuery(Limit: 100), cancellationToken).ConfigureAwait(false))
        {
            // Newest first: once tasks are older than the block, ours is not among the rest.
            if (task.PostedHeight < height)
            {
                break;
            }
            if (task.PostedHeight == height && task.Requester == address && task.Kind == kind && Same(task.InputA, spec.InputA) && Same(task.InputB, spec.InputB)
                && task.Rounds == spec.Rounds && task.DeadlineBlocks == spec.DeadlineBlocks)
            {
                return task.Id;
            }
        }
        throw new PoccClientException($"transaction {tx.Hash} was finalized at height {height}, but the node lists no task it posted");
    }

    private static bool Same(BlobRefModel model, BlobRef blob) => model.Root == blob.Root.ToString() && model.Size == blob.Size;
}
