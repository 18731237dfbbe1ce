using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Devnet;

/// <summary>
/// The devnet's requester: keeps a steady number of matrix-multiplication tasks open, with inputs generated from a
/// seed and stored in the node's blob store, each posted with a fee through the mempool like any client's task.
/// </summary>
public sealed class TaskWorkload
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly BlobStore _blobs;
    private readonly KeyPair _requester;
    private readonly TaskKind _kind;
    private readonly uint _n;
    private readonly int _openTarget;
    private readonly Amount _fee;
    private long _posted;

    public TaskWorkload(Blockchain chain, TransactionPool pool, BlobStore blobs, KeyPair requester, TaskKind kind, uint n, int openTarget, Amount fee)
    {
        _chain = chain;
        _pool = pool;
        _blobs = blobs;
        _requester = requester;
        _kind = kind;
        _n = n;
        _openTarget = openTarget;
        _fee = fee;
    }

    public long Posted => Interlocked.Read(ref _posted);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var type = TaskRules.ElementType(_kind);
        ulong round = (ulong)_chain.Height.Value << 20;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int open = _chain.GetOpenTasks().Count(t => t.Requester == _requester.Address);
                if (open >= _openTarget)
                {
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                round++;
                var a = await StoreAsync(Matrix.Random((int)_n, (int)_n, type, Seed("a", round)), cancellationToken).ConfigureAwait(false);
                var b = await StoreAsync(Matrix.Random((int)_n, (int)_n, type, Seed("b", round)), cancellationToken).ConfigureAwait(false);
                var spec = new TaskSpec(_kind, _n, _n, _n, a, b, _kind == TaskKind.MatmulFloat64 ? 1_000u : 0u, 2, 1, 20);
                var tx = new Transaction(_chain.ChainId, _requester.PublicKey, _pool.NextNonce(_requester.Address), _chain.Parameters.MinimumFee,
                    new PostTask(spec, _fee)).Sign(_requester);
                try
                {
                    _pool.Add(tx);
                    Interlocked.Increment(ref _posted);
                }
                catch (LedgerException)
                {
                    // Refused (e.g. the mempool is full of transfers): try again shortly.
                }
                // One post per block at most, so the count of open tasks catches up before the next.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static Hash32 Seed(string which, ulong round) => Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes($"pocc-devnet-task-{which}-{round}"));

    private async Task<BlobRef> StoreAsync(Matrix matrix, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(matrix.Encode(), writable: false);
        var id = await _blobs.PutAsync(stream, stream.Length, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new BlobRef(id.Root, (ulong)id.Size);
    }
}
