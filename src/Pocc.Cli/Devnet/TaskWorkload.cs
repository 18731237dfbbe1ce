using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Devnet;

/// <summary>
/// The devnet's requester: keeps a steady number of tasks open, with inputs generated from a seed and stored in the
/// node's blob store, each posted with a fee through the mempool like any client's task. Most are matrix products;
/// with a STARK step count, every <see cref="StarkEvery"/>th is a STARK task, alternating the two computations.
/// </summary>
public sealed class TaskWorkload
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly BlobStore _blobs;
    private readonly KeyPair _requester;
    private readonly TaskKind _kind;
    private readonly uint _n;
    private readonly uint _starkSteps;
    private readonly int _openTarget;
    private readonly Amount _fee;
    private long _posted;

    /// <summary>One task in this many is a STARK task when STARK tasks are on.</summary>
    public const int StarkEvery = 4;

    public TaskWorkload(Blockchain chain, TransactionPool pool, BlobStore blobs, KeyPair requester, TaskKind kind, uint n, uint starkSteps, int openTarget, Amount fee)
    {
        _starkSteps = starkSteps;
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
                var spec = _starkSteps > 0 && round % StarkEvery == 0
                    ? await StarkSpecAsync(round, cancellationToken).ConfigureAwait(false)
                    : await MatmulSpecAsync(type, round, cancellationToken).ConfigureAwait(false);
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

    private async Task<TaskSpec> MatmulSpecAsync(MatrixElementType type, ulong round, CancellationToken cancellationToken)
    {
        var a = await StoreAsync(Matrix.Random((int)_n, (int)_n, type, Seed("a", round)), cancellationToken).ConfigureAwait(false);
        var b = await StoreAsync(Matrix.Random((int)_n, (int)_n, type, Seed("b", round)), cancellationToken).ConfigureAwait(false);
        return new TaskSpec(_kind, _n, _n, _n, a, b, _kind == TaskKind.MatmulFloat64 ? 1_000u : 0u, 2, 1, 20);
    }

    private async Task<TaskSpec> StarkSpecAsync(ulong round, CancellationToken cancellationToken)
    {
        var computation = round / StarkEvery % 2 == 0 ? StarkComputation.PermutationChain : StarkComputation.MatrixRecurrence;
        var seed = Seed("stark", round).ToArray();
        var inputs = new Goldilocks[StarkComputations.InputElements(computation)];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Goldilocks.FromUInt64(BitConverter.ToUInt64(Blake3Hash.Of([.. seed, (byte)i]).ToArray(), 0));
        }
        var blob = await StoreAsync(StarkTaskBlobs.EncodeInputs(computation, inputs), cancellationToken).ConfigureAwait(false);
        return new TaskSpec(TaskKinds.ForStarkComputation(computation), _starkSteps, 0, 0, blob, default, 0, (byte)StarkParameters.DefaultSecurityBits, 1, 20);
    }

    private static Hash32 Seed(string which, ulong round) => Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes($"pocc-devnet-task-{which}-{round}"));

    private Task<BlobRef> StoreAsync(Matrix matrix, CancellationToken cancellationToken) => StoreAsync(matrix.Encode(), cancellationToken);

    private async Task<BlobRef> StoreAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var id = await _blobs.PutAsync(stream, stream.Length, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new BlobRef(id.Root, (ulong)id.Size);
    }
}
