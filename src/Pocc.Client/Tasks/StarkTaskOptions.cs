using Pocc.Client.Models;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Client.Tasks;

/// <summary>How a STARK task is posted: the fee escrowed for the worker, the security its proof must reach, its deadline.</summary>
public sealed record StarkTaskOptions
{
    /// <summary>The fee escrowed for the worker (the task's, not the posting transaction's).</summary>
    public required Amount Fee { get; init; }

    /// <summary>Conjectured security in bits the worker's proof must reach; validators reject a weaker one.</summary>
    public byte SecurityBits { get; init; } = StarkParameters.DefaultSecurityBits;

    /// <summary>Blocks the assigned worker has to commit a result.</summary>
    public uint DeadlineBlocks { get; init; } = MatmulTaskOptions.DefaultDeadlineBlocks;

    /// <summary>The spec of <paramref name="steps"/> steps of <paramref name="computation"/> from the inputs blob <paramref name="inputs"/>.</summary>
    public TaskSpec ToSpec(StarkComputation computation, uint steps, BlobRef inputs) =>
        new(TaskKinds.ForStarkComputation(computation), steps, 0, 0, inputs, default, 0, SecurityBits, 1, DeadlineBlocks);
}

/// <summary>The requester's side of STARK tasks: upload the inputs and post, then read the proven outputs.</summary>
public static class StarkTaskRequests
{
    /// <summary>Uploads <paramref name="inputs"/> and posts <paramref name="steps"/> steps of <paramref name="computation"/> from them.</summary>
    public static async Task<PostedTask> PostStarkTaskAsync(this Transactions.TransactionSubmitter requester, StarkComputation computation,
        IReadOnlyList<Goldilocks> inputs, uint steps, StarkTaskOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(options);
        var blob = await requester.Client.UploadStarkInputsAsync(computation, inputs, cancellationToken).ConfigureAwait(false);
        return await requester.PostTaskAsync(options.ToSpec(computation, steps, blob), options.Fee, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The outputs <paramref name="task"/>'s worker committed, after checking its proof here against the task's inputs at
    /// the security the task asked for; throws <see cref="StarkRejectedException"/> if it does not verify.
    /// </summary>
    public static async Task<Goldilocks[]> DownloadVerifiedOutputsAsync(this PoccClient client, TaskModel task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var view = TaskView.From(task);
        var result = view.Result ?? throw new PoccClientException($"task {view.Id} is {view.State} and has no committed result");
        var computation = TaskKinds.StarkComputation(view.Kind);
        var inputs = await client.DownloadStarkInputsAsync(computation, view.InputA, cancellationToken).ConfigureAwait(false);
        var (outputs, proof) = await client.DownloadStarkResultAsync(result, cancellationToken).ConfigureAwait(false);
        StarkVerifier.Verify(StarkComputations.CreateAir(computation, inputs, (int)view.Rows, outputs), proof, view.Rounds);
        return outputs;
    }
}
