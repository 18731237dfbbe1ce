using System.Diagnostics;
using System.Threading.Channels;
using Pocc.Consensus.Engine;
using Pocc.Core.Crypto;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Node.P2p;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Verification;

/// <summary>
/// The validator's side of the compute market: after each finalized block, checks every committed result whose
/// challenge block is now final and submits a signed verdict for it. With peers, the blobs a check reads are fetched
/// first (inputs as soon as a task is open, results once committed), so "unavailable" means no peer could provide
/// them, not that they were stored elsewhere. Runs off the consensus thread; a node whose key is not a validator does
/// nothing.
/// </summary>
public sealed class VerificationService : BackgroundService
{
    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly KeyPair _validatorKey;
    private readonly IResultVerifier _verifier;
    private readonly IConsensusEngine _engine;
    private readonly ILogger<VerificationService> _logger;
    private readonly Channel<ulong> _finalized = Channel.CreateBounded<ulong>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Dictionary<ulong, ulong> _submittedAtHeight = [];
    private readonly BlobExchange? _blobs;
    private readonly Dictionary<ulong, long> _waitingSince = [];

    /// <summary>How long a committed task's blobs are asked for from peers before it is judged without them.</summary>
    public static readonly TimeSpan FetchPatience = TimeSpan.FromSeconds(20);

    public VerificationService(Blockchain chain, TransactionPool pool, KeyPair validatorKey, IResultVerifier verifier, IConsensusEngine engine, ILogger<VerificationService> logger,
        BlobExchange? blobs = null)
    {
        _blobs = blobs;
        _chain = chain;
        _pool = pool;
        _validatorKey = validatorKey;
        _verifier = verifier;
        _engine = engine;
        _logger = logger;
        _engine.Finalized += OnFinalized;
    }

    private void OnFinalized(FinalizedBlock block) => _finalized.Writer.TryWrite(block.Committed.Block.Header.Height.Value);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await VerifyAsBlocksFinalizeAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    private async Task VerifyAsBlocksFinalizeAsync(CancellationToken stoppingToken)
    {
        await foreach (var height in _finalized.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!_chain.GetValidatorSet().Contains(_validatorKey.Address))
            {
                continue;
            }
            try
            {
                VerifyCommitted(height, stoppingToken);
            }
            catch (Exception e) when (e is LedgerException or IOException)
            {
                _logger.LogWarning("Verification round at height {Height} failed: {Message}", height, e.Message);
            }
        }
    }

    private void VerifyCommitted(ulong height, CancellationToken cancellationToken)
    {
        var open = _chain.GetOpenTasks();
        foreach (var task in open)
        {
            // Inputs are fetched while the worker computes, so the check does not wait for them later.
            Fetch(Inputs(task.Spec), cancellationToken);
        }
        foreach (var task in open)
        {
            if (task.State != TaskState.Committed || task.CommitHeight.Value > height)
            {
                continue;
            }
            // A verdict in flight is not sent again unless it was dropped (e.g. the block it targeted moved on).
            if (_submittedAtHeight.TryGetValue(task.Id, out var sentAt) && height < sentAt + 10)
            {
                continue;
            }
            var seed = _chain.ChallengeSeedFor(task);
            if (seed is null || !BlobsReady(task, cancellationToken))
            {
                continue;
            }
            var outcome = _verifier.Verify(task, seed.Value);
            Submit(new SubmitVerdict(task.Id, outcome));
            _submittedAtHeight[task.Id] = height;
        }
        foreach (var id in _submittedAtHeight.Keys.Concat(_waitingSince.Keys).ToList())
        {
            if (_chain.GetTask(id) is not { State: TaskState.Committed })
            {
                _submittedAtHeight.Remove(id);
                _waitingSince.Remove(id);
            }
        }
    }

    /// <summary>
    /// Whether the task's inputs and result are here, or have been asked for from peers for <see cref="FetchPatience"/>
    /// in vain (the check then judges without them). Never waits: a task whose blobs are on their way is looked at again
    /// after the next block, so one task with missing blobs does not hold up the verdicts on others.
    /// </summary>
    private bool BlobsReady(ComputeTask task, CancellationToken cancellationToken)
    {
        if (_blobs is null)
        {
            return true;
        }
        var blobs = Inputs(task.Spec).Append(ToId(task.Result)).ToArray();
        if (blobs.All(_blobs.Has))
        {
            return true;
        }
        Fetch(blobs, cancellationToken);
        long since = _waitingSince.TryGetValue(task.Id, out var first) ? first : _waitingSince[task.Id] = Stopwatch.GetTimestamp();
        return Stopwatch.GetElapsedTime(since) >= FetchPatience;
    }

    private void Fetch(IEnumerable<BlobId> blobs, CancellationToken cancellationToken)
    {
        if (_blobs is null)
        {
            return;
        }
        foreach (var blob in blobs)
        {
            // Deduplicated and backed off by the exchange; the outcome is read from the store when the task is checked.
            _ = _blobs.FetchAsync(blob, cancellationToken);
        }
    }

    /// <summary>The task's input blobs (a STARK task has one).</summary>
    private static IEnumerable<BlobId> Inputs(TaskSpec spec) =>
        new[] { spec.InputA, spec.InputB }.Where(blob => blob.Size > 0).Select(ToId);

    private static BlobId ToId(BlobRef blob) => new(blob.Root, (long)Math.Min(blob.Size, (ulong)BlobId.MaxSize));

    private void Submit(SubmitVerdict verdict)
    {
        var tx = new Transaction(_chain.ChainId, _validatorKey.PublicKey, _pool.NextNonce(_validatorKey.Address), _chain.Parameters.MinimumFee, verdict)
            .Sign(_validatorKey);
        try
        {
            _pool.Add(tx);
            _logger.LogInformation("Verdict on task {Task}: {Outcome}", verdict.TaskId, verdict.Outcome);
        }
        catch (LedgerException e)
        {
            _logger.LogWarning("Verdict on task {Task} not admitted: {Code}: {Message}", verdict.TaskId, e.Code, e.Message);
        }
    }

    public override void Dispose()
    {
        _engine.Finalized -= OnFinalized;
        base.Dispose();
    }
}
