using System.Diagnostics;
using System.Globalization;
using Pocc.Cli.Common;
using Pocc.Client;
using Pocc.Client.Models;
using Pocc.Client.Tasks;
using Pocc.Client.Transactions;
using Pocc.Compute.Matmul;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Matrices;
using Pocc.Core.Numerics;
using Pocc.Ledger;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Core.Encoding;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Cli.Workers;

/// <summary>
/// A compute-market worker that talks to a node through <see cref="PoccClient"/>: registers its key as a worker if it is not one,
/// then polls for the tasks assigned to it, downloads and checks their inputs, multiplies with the
/// <see cref="MatmulExecutor"/>, uploads the product and commits its root and size on chain. Survives node restarts
/// (retries with backoff) and bad tasks (each is retried a bounded number of times, then skipped); only a refused
/// registration ends <see cref="RunAsync"/> early.
/// </summary>
/// <remarks>
/// Compute time is measured two ways: wall-clock seconds spent inside the multiply (<see cref="ComputeSeconds"/>),
/// and the process's CPU time over the same intervals (<see cref="ComputeCpuSeconds"/>), which counts every thread
/// the kernel uses, OpenBLAS's included, but also anything else the process did meanwhile (little: the agent itself
/// waits for the product). Per-task figures are in <see cref="RecentTasks"/>.
/// </remarks>
public sealed class WorkerAgent : IDisposable
{
    private const int MaxRecentTasks = 256;
    private const int MaxListedTasks = 2_000;
    private static readonly TimeSpan FollowUpInterval = TimeSpan.FromSeconds(1);

    private readonly WorkerAgentOptions _options;
    private readonly KeyPair _key;
    private readonly MatmulExecutor _executor;
    private readonly Action<WorkerEvent> _onEvent;
    private readonly TimeProvider _time;
    private readonly PoccClient _client;
    private readonly TransactionSubmitter _submitter;
    private readonly Random _faults;
    private readonly Dictionary<(ulong Id, ulong AssignedHeight), TaskWork> _work = [];
    private readonly Queue<WorkerTaskReport> _recent = new();
    private long _tasksComputed;
    private long _tasksCorrupted;
    private long _tasksCommitted;
    private long _tasksSkipped;
    private long _computeTicks;
    private long _computeCpuTicks;

    public WorkerAgent(WorkerAgentOptions options, KeyPair key, MatmulExecutor executor, Action<WorkerEvent>? onEvent = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(executor);
        options.Validate();
        _options = options;
        _key = key;
        _executor = executor;
        _onEvent = onEvent ?? (_ => { });
        _time = time ?? TimeProvider.System;
        _client = NodeClient.Connect(options.NodeUrl);
        _submitter = new TransactionSubmitter(_client, key, options.TransactionFee);
        _faults = new Random(options.Seed);
    }

    public Address Address => _key.Address;

    /// <summary>Products computed (including corrupted ones).</summary>
    public long TasksComputed => Interlocked.Read(ref _tasksComputed);

    /// <summary>Products deliberately corrupted before they were committed (see <see cref="WorkerAgentOptions.FaultyRate"/>).</summary>
    public long TasksCorrupted => Interlocked.Read(ref _tasksCorrupted);

    /// <summary>Result commitments submitted to the node.</summary>
    public long TasksCommitted => Interlocked.Read(ref _tasksCommitted);

    /// <summary>Tasks given up: unusable inputs or too many failed attempts.</summary>
    public long TasksSkipped => Interlocked.Read(ref _tasksSkipped);

    /// <summary>Wall-clock seconds spent multiplying, summed over tasks.</summary>
    public double ComputeSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _computeTicks)).TotalSeconds;

    /// <summary>Process CPU seconds (all threads) over the intervals spent multiplying.</summary>
    public double ComputeCpuSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _computeCpuTicks)).TotalSeconds;

    /// <summary>The most recent computed tasks, oldest first.</summary>
    public IReadOnlyList<WorkerTaskReport> RecentTasks
    {
        get
        {
            lock (_recent)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>Registers if needed, then serves assigned tasks until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        bool registered = false;
        bool unreachable = false;
        var backoff = _options.PollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!registered)
                {
                    await EnsureRegisteredAsync(cancellationToken).ConfigureAwait(false);
                    registered = true;
                }
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
                if (unreachable)
                {
                    unreachable = false;
                    Emit(WorkerEventKind.NodeReachable, $"the node at {_options.NodeUrl} answers again");
                }
                backoff = _options.PollInterval;
                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (IsTransient(e) || registered)
            {
                // Before registration only an unreachable node is retried; a refused registration ends the run.
                if (IsTransient(e))
                {
                    if (!unreachable)
                    {
                        unreachable = true;
                        Emit(WorkerEventKind.NodeUnreachable, $"{Describe(e)}; retrying every {_options.MaxBackoff.TotalSeconds:0.#} s at most");
                    }
                }
                else
                {
                    Emit(WorkerEventKind.Info, $"polling failed: {Describe(e)}");
                }
                try
                {
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// Makes sure this key is a registered worker: if the node does not know it as one, submits a registration with
    /// the configured stake and waits until it is finalized. Throws <see cref="CliException"/> if the chain refuses it.
    /// </summary>
    public async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        var worker = await TryGetWorkerAsync(cancellationToken).ConfigureAwait(false);
        if (worker is null)
        {
            var stake = _options.Stake ?? WorkerAgentOptions.DefaultStake;
            SignedTransaction tx;
            try
            {
                tx = await _submitter.SubmitAsync(new RegisterWorker(stake, _options.Capabilities), cancellationToken).ConfigureAwait(false);
            }
            catch (PoccClientException e) when (!e.IsTransient)
            {
                throw new CliException($"cannot register {Address} as a worker with stake {stake.Value}: {e.Message}", innerException: e);
            }
            Emit(WorkerEventKind.Info, $"registering {Address} as a worker with stake {stake.Value} (transaction {tx.Hash})");
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(_options.RegistrationTimeout);
                try
                {
                    await _client.WaitForTransactionAsync(tx.Hash, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is PoccClientException { IsTransient: false } || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    await _submitter.ResyncAsync(cancellationToken).ConfigureAwait(false);
                    string why = e is OperationCanceledException
                        ? string.Create(CultureInfo.InvariantCulture, $"transaction {tx.Hash} was not finalized within {_options.RegistrationTimeout.TotalSeconds:F0} s")
                        : e.Message;
                    throw new CliException($"cannot register {Address} as a worker: {why}", innerException: e);
                }
            }
            worker = await TryGetWorkerAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new CliException($"the registration of {Address} was finalized but the node does not list it as a worker");
        }
        Emit(WorkerEventKind.Registered, string.Create(CultureInfo.InvariantCulture,
            $"worker {Address}: stake {worker.Stake}, capabilities {string.Join(", ", worker.Capabilities)}, reputation {worker.Reputation}"));
    }

    /// <summary>One pass: lists the tasks assigned to this worker and moves each one step further.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var assigned = await ListAssignedAsync(cancellationToken).ConfigureAwait(false);
        var live = new HashSet<(ulong, ulong)>();
        foreach (var task in assigned)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = (task.Id, task.AssignedHeight);
            live.Add(key);
            if (!_work.TryGetValue(key, out var work))
            {
                work = new TaskWork(task);
                _work[key] = work;
            }
            if (work.Abandoned || _time.GetUtcNow() < work.NotBefore)
            {
                continue;
            }
            try
            {
                await AdvanceAsync(work, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e) when (IsTransient(e))
            {
                // The node went away: the outer loop backs off; the task keeps its progress.
                throw;
            }
            catch (MatrixFormatException e)
            {
                Abandon(work, $"its inputs are unusable ({e.Code}: {e.Message})");
            }
            catch (UnusableTaskException e)
            {
                Abandon(work, e.Message);
            }
            catch (Exception e)
            {
                work.Failures++;
                if (work.Failures >= _options.MaxTaskFailures)
                {
                    Abandon(work, $"{work.Failures} attempts failed, the last with: {Describe(e)}");
                }
                else
                {
                    var delay = TimeSpan.FromTicks(Math.Min(_options.PollInterval.Ticks << Math.Min(work.Failures, 10), _options.MaxBackoff.Ticks));
                    work.NotBefore = _time.GetUtcNow() + delay;
                    Emit(WorkerEventKind.TaskRetry, $"task {task.Id}: attempt {work.Failures} failed ({Describe(e)}); retrying in {delay.TotalSeconds:0.#} s", task.Id);
                }
            }
        }
        // Tasks no longer assigned to us (committed, expired, reassigned) need nothing more.
        foreach (var key in _work.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _work.Remove(key);
        }
    }

    /// <summary>
    /// Corrupts exactly one entry of <paramref name="c"/> = <paramref name="a"/>·<paramref name="b"/>, chosen with
    /// <paramref name="random"/>. Mod61: the entry plus one (mod p). Float64: the entry plus 4·(Σ_k |A_ik|·Σ_j |B_kj| +
    /// Σ_j |C_ij| + 1), which exceeds the row's Freivalds bound for any relative tolerance up to 0.8, so the check
    /// catches it in each round with probability at least 1/2 (±1 challenges). Returns the corrupted copy.
    /// </summary>
    internal static Matrix Corrupt(Matrix a, Matrix b, Matrix c, Random random)
    {
        int row = random.Next(c.Rows);
        int col = random.Next(c.Cols);
        int index = row * c.Cols + col;
        if (c.ElementType == MatrixElementType.Mod61)
        {
            var data = c.Mod61.ToArray();
            data[index] = data[index] + 1 == Mod61.P ? 0 : data[index] + 1;
            return Matrix.FromMod61(c.Rows, c.Cols, data);
        }
        double bound = 0;
        var rowA = a.Float64.Slice(row * a.Cols, a.Cols);
        var bData = b.Float64;
        for (int k = 0; k < a.Cols; k++)
        {
            double bRow = 0;
            foreach (double v in bData.Slice(k * b.Cols, b.Cols))
            {
                bRow += Math.Abs(v);
            }
            bound += Math.Abs(rowA[k]) * bRow;
        }
        foreach (double v in c.Float64.Slice(row * c.Cols, c.Cols))
        {
            bound += Math.Abs(v);
        }
        var values = c.Float64.ToArray();
        values[index] += 4 * (bound + 1);
        return Matrix.FromFloat64(c.Rows, c.Cols, values);
    }

    private async Task AdvanceAsync(TaskWork work, CancellationToken cancellationToken)
    {
        var task = work.Task;
        if (work.Commit is null && work.Uploaded is null && work.Upload is null)
        {
            await ComputeAsync(work, cancellationToken).ConfigureAwait(false);
        }
        if (work.Uploaded is null)
        {
            work.Uploaded = await work.Upload!(cancellationToken).ConfigureAwait(false);
        }
        if (work.Commit is null)
        {
            var tx = await _submitter.SubmitAsync(new CommitResult(task.Id, work.Uploaded.Value), cancellationToken).ConfigureAwait(false);
            work.Commit = tx;
            work.CommittedAt = work.CheckedAt = _time.GetUtcNow();
            work.Upload = null;
            Interlocked.Increment(ref _tasksCommitted);
            var report = new WorkerTaskReport(task.Id, task.Dtype, task.Rows, task.Inner, task.Columns, work.ComputeMs, work.CpuMs, work.Corrupted,
                work.Uploaded.Value, tx.Hash);
            lock (_recent)
            {
                _recent.Enqueue(report);
                while (_recent.Count > MaxRecentTasks)
                {
                    _recent.Dequeue();
                }
            }
            Emit(WorkerEventKind.TaskCommitted, string.Create(CultureInfo.InvariantCulture,
                $"task {task.Id}: {task.ShapeText} {task.Dtype} computed in {work.ComputeMs:F0} ms, committed result {work.Uploaded.Value.Root}{(work.Corrupted ? " (corrupted on purpose)" : "")}"),
                task.Id, report);
            return;
        }
        await FollowUpAsync(work, cancellationToken).ConfigureAwait(false);
    }

    private async Task ComputeAsync(TaskWork work, CancellationToken cancellationToken)
    {
        var task = work.Task;
        var needed = TaskKinds.RequiredCapability(task.Kind);
        if ((_options.Capabilities & needed) == 0)
        {
            throw new UnusableTaskException($"it is {WireNames.Name(task.Kind)}, which this worker did not declare");
        }
        if (TaskKinds.Policy(task.Kind) == VerificationPolicy.Stark)
        {
            await ProveAsync(work, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await MultiplyAsync(work, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MultiplyAsync(TaskWork work, CancellationToken cancellationToken)
    {
        var task = work.Task;
        var type = task.ElementType;
        if (task.InputA.Size != TaskRules.MatrixBytes(task.Rows, task.Inner) || task.InputB.Size != TaskRules.MatrixBytes(task.Inner, task.Columns))
        {
            throw new UnusableTaskException($"its input sizes do not match {task.ShapeText}");
        }
        var a = await _client.DownloadMatrixAsync(task.InputA, type, task.Rows, task.Inner, cancellationToken).ConfigureAwait(false);
        var b = await _client.DownloadMatrixAsync(task.InputB, type, task.Inner, task.Columns, cancellationToken).ConfigureAwait(false);

        var c = await TimedAsync(work, () => _executor.Multiply(a, b, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (ShouldCorrupt(work))
        {
            c = Corrupt(a, b, c, _faults);
        }
        work.Upload = ct => _client.UploadMatrixAsync(c, ct);
    }

    /// <summary>
    /// Runs a STARK task: the computation, then the proof at the standard parameters that reach the task's security.
    /// A faulty worker claims an output one off and proves that claim, which no honest trace satisfies: the proof it
    /// gets is one validators reject.
    /// </summary>
    private async Task ProveAsync(TaskWork work, CancellationToken cancellationToken)
    {
        var task = work.Task;
        var computation = TaskKinds.StarkComputation(task.Kind);
        Goldilocks[] inputs;
        try
        {
            inputs = await _client.DownloadStarkInputsAsync(computation, task.InputA, cancellationToken).ConfigureAwait(false);
        }
        catch (CodecException e)
        {
            throw new UnusableTaskException($"its inputs are unusable ({e.Code}: {e.Message})");
        }
        var parameters = StarkParameters.ForSecurity(task.Rounds);
        bool corrupt = ShouldCorrupt(work);
        var result = await TimedAsync(work, () =>
        {
            var outputs = StarkComputations.Compute(computation, inputs, (int)task.Rows);
            if (corrupt)
            {
                outputs[0] += Goldilocks.One;
            }
            var air = StarkComputations.CreateAir(computation, inputs, (int)task.Rows, outputs);
            return StarkTaskBlobs.EncodeResult(outputs, StarkProver.Prove(air, parameters).Encode());
        }, cancellationToken).ConfigureAwait(false);
        work.Upload = ct => _client.UploadStarkResultAsync(result, ct);
    }

    /// <summary>Runs <paramref name="compute"/> off the polling loop and books its wall-clock and CPU time to <paramref name="work"/>.</summary>
    private async Task<T> TimedAsync<T>(TaskWork work, Func<T> compute, CancellationToken cancellationToken)
    {
        var cpuBefore = Environment.CpuUsage.TotalTime;
        long started = Stopwatch.GetTimestamp();
        var result = await Task.Run(compute, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        Interlocked.Add(ref _computeTicks, elapsed.Ticks);
        Interlocked.Add(ref _computeCpuTicks, cpu.Ticks);
        Interlocked.Increment(ref _tasksComputed);
        work.ComputeMs = elapsed.TotalMilliseconds;
        work.CpuMs = cpu.TotalMilliseconds;
        return result;
    }

    /// <summary>Whether this result is to be corrupted on purpose (<see cref="WorkerAgentOptions.FaultyRate"/>); counts it if so.</summary>
    private bool ShouldCorrupt(TaskWork work)
    {
        if (_options.FaultyRate > 0 && _faults.NextDouble() < _options.FaultyRate)
        {
            work.Corrupted = true;
            Interlocked.Increment(ref _tasksCorrupted);
            return true;
        }
        return false;
    }

    /// <summary>A commitment was submitted but the task is still listed as assigned: see whether it was dropped or is stuck behind a gap.</summary>
    private async Task FollowUpAsync(TaskWork work, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now - work.CheckedAt < FollowUpInterval)
        {
            return;
        }
        work.CheckedAt = now;
        string? status = await _submitter.StatusAsync(work.Commit!.Hash, cancellationToken).ConfigureAwait(false);
        string why;
        if (status == "finalized")
        {
            return; // The listing was older than the block.
        }
        if (status == "pending")
        {
            if (now - work.CommittedAt < _options.CommitStuckAfter)
            {
                return;
            }
            why = string.Create(CultureInfo.InvariantCulture, $"was still pending after {(now - work.CommittedAt).TotalSeconds:F0} s");
        }
        else
        {
            why = "was dropped by the node";
        }
        // A dropped transaction leaves a gap at its nonce; restart from the account's nonce so the gap is filled.
        await _submitter.ResyncAsync(cancellationToken).ConfigureAwait(false);
        var previous = work.Commit;
        var tx = await _submitter.SubmitAsync(new CommitResult(work.Task.Id, work.Uploaded!.Value), cancellationToken).ConfigureAwait(false);
        work.Commit = tx;
        work.CommittedAt = work.CheckedAt = _time.GetUtcNow();
        Emit(WorkerEventKind.CommitResubmitted, $"task {work.Task.Id}: commitment {previous.Hash} (nonce {previous.Transaction.Nonce}) {why}; sent again as {tx.Hash} (nonce {tx.Transaction.Nonce})", work.Task.Id);
    }

    private async Task<WorkerModel?> TryGetWorkerAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetWorkerAsync(Address, cancellationToken).ConfigureAwait(false);
        }
        catch (PoccApiException e) when (e.IsNotFound && e.Code == LedgerErrors.WorkerNotFound)
        {
            return null;
        }
    }

    /// <summary>The tasks assigned to this worker, oldest first (so earlier deadlines go first).</summary>
    private async Task<List<TaskView>> ListAssignedAsync(CancellationToken cancellationToken)
    {
        var tasks = new List<TaskView>();
        var query = new TaskQuery(TaskState.Assigned, Address, Limit: 100);
        await foreach (var task in _client.EnumerateTasksAsync(query, cancellationToken).ConfigureAwait(false))
        {
            tasks.Add(TaskView.From(task));
            if (tasks.Count == MaxListedTasks)
            {
                break;
            }
        }
        tasks.Sort((x, y) => x.Id.CompareTo(y.Id));
        return tasks;
    }

    private void Abandon(TaskWork work, string reason)
    {
        work.Abandoned = true;
        work.Upload = null;
        Interlocked.Increment(ref _tasksSkipped);
        Emit(WorkerEventKind.TaskSkipped, $"task {work.Task.Id}: skipped: {reason}", work.Task.Id);
    }

    private void Emit(WorkerEventKind kind, string message, ulong? taskId = null, WorkerTaskReport? report = null) =>
        _onEvent(new WorkerEvent(kind, message, taskId, report));

    /// <summary>True when the node could not be reached, broke off an answer or was overloaded: worth retrying later, unchanged.</summary>
    private static bool IsTransient(Exception e) => e is PoccClientException { IsTransient: true };

    private static string Describe(Exception e) => e is CliException or PoccClientException ? e.Message : $"{e.GetType().Name}: {e.Message}";

    public void Dispose()
    {
        _submitter.Dispose();
        _client.Dispose();
    }

    /// <summary>Where one assigned task stands: computed, uploaded, committed; retried and given up by count.</summary>
    private sealed class TaskWork(TaskView task)
    {
        public TaskView Task { get; } = task;

        /// <summary>Uploads the computed result; set once it is computed, cleared once it is committed.</summary>
        public Func<CancellationToken, Task<BlobRef>>? Upload { get; set; }

        public bool Corrupted { get; set; }

        public double ComputeMs { get; set; }

        public double CpuMs { get; set; }

        public BlobRef? Uploaded { get; set; }

        public SignedTransaction? Commit { get; set; }

        public DateTimeOffset CommittedAt { get; set; }

        public DateTimeOffset CheckedAt { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset NotBefore { get; set; }

        public bool Abandoned { get; set; }
    }

    /// <summary>A task this worker cannot run whatever it retries: a kind it did not declare, inputs of the wrong size.</summary>
    private sealed class UnusableTaskException(string message) : Exception(message);
}
