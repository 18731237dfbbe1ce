using System.Diagnostics;
using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;
using Pocc.Network.Peers;
using Pocc.Storage;

namespace Pocc.Cli.Bench;

/// <summary>What <c>pocc bench consensus</c> runs: the cluster size and the open-loop load.</summary>
public sealed record ConsensusBenchmarkSettings(int Validators, int Rate, TimeSpan Duration, TimeSpan Warmup, int Accounts);

/// <summary>The figures of <c>pocc bench consensus</c>: the cluster's, then the one-validator baseline's under the same load.</summary>
public sealed record ConsensusBenchmarkResult
{
    [JsonPropertyName("validators")] public int Validators { get; init; }
    [JsonPropertyName("offered_rate")] public int OfferedRate { get; init; }
    [JsonPropertyName("duration_s")] public double DurationSeconds { get; init; }
    [JsonPropertyName("warmup_s")] public double WarmupSeconds { get; init; }
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    [JsonPropertyName("submitted")] public long Submitted { get; init; }
    [JsonPropertyName("refused")] public long Refused { get; init; }
    [JsonPropertyName("refusals")] public IReadOnlyCollection<string> Refusals { get; init; } = [];
    /// <summary>Admissions refused because the pool held a second of load: the excess a cluster past capacity sheds (each retry counted).</summary>
    [JsonPropertyName("refused_full")] public long RefusedFull { get; init; }
    [JsonPropertyName("committed")] public long Committed { get; init; }
    [JsonPropertyName("unfinalized")] public long Unfinalized { get; init; }
    [JsonPropertyName("blocks")] public int Blocks { get; init; }
    [JsonPropertyName("rounds_above_zero")] public int RoundsAboveZero { get; init; }
    [JsonPropertyName("tx_per_second")] public double TxPerSecond { get; init; }
    [JsonPropertyName("finality_ms_p50")] public double FinalityMsP50 { get; init; }
    [JsonPropertyName("finality_ms_p90")] public double FinalityMsP90 { get; init; }
    [JsonPropertyName("finality_ms_p99")] public double FinalityMsP99 { get; init; }
    [JsonPropertyName("baseline_tx_per_second")] public double BaselineTxPerSecond { get; init; }
    [JsonPropertyName("baseline_finality_ms_p50")] public double BaselineFinalityMsP50 { get; init; }
    [JsonPropertyName("baseline_finality_ms_p99")] public double BaselineFinalityMsP99 { get; init; }
    [JsonPropertyName("baseline_blocks")] public int BaselineBlocks { get; init; }
    [JsonPropertyName("ratio")] public double Ratio { get; init; }
    [JsonPropertyName("cores")] public int Cores { get; init; }
    /// <summary>CPU the process used while the cluster ran, in cores: on a shared machine, the share it got.</summary>
    [JsonPropertyName("cpu_cores_used")] public double CpuCoresUsed { get; init; }
    /// <summary>The machine's one-minute load average when the run began (Linux), so a figure can be read against how busy it was.</summary>
    [JsonPropertyName("load_average")] public double? LoadAverage { get; init; }
    /// <summary>With <c>--find-rate</c>: the offered rates tried, in order; the figures are those at <see cref="OfferedRate"/>.</summary>
    [JsonPropertyName("rates_probed")] public IReadOnlyList<int>? RatesProbed { get; init; }
    [JsonPropertyName("notes")] public string Notes { get; init; } = "";
}

/// <summary>
/// Finality and throughput of the BFT engine: N validators in this process, each a real <see cref="TendermintEngine"/>
/// with its WAL on its own RocksDB chain, joined by real TCP on 127.0.0.1 through <see cref="PeerManager"/>. Pre-signed
/// transfers (signing is the clients' work, not timed) are offered open-loop at a fixed rate; each batch goes to one
/// validator (its "home", where its finality is timed) and, standing in for transaction gossip, to every other
/// validator's pool too, each through the pool's full admission checks. The same load on one validator, in the same
/// run, is the baseline that isolates what agreement among N costs.
/// </summary>
public static class ConsensusBenchmark
{
    public const string Notes = "Transactions are offered to every validator's mempool directly, in place of the p2p transaction gossip a node runs, each pool checking signature, nonce and balance itself; finality is timed on the validator the transaction was submitted to, from submission to its Finalized event.";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Offered transactions per admission call: small batches keep the load smooth (about 200 a second).
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// A sustained rate keeps median finality within this (the goal); above capacity the backlog, and with it
    /// finality, grows for as long as the run lasts, so it crosses this in a run of a few seconds.
    /// </summary>
    private const double SustainedP50Ms = 1_000;

    /// <summary>
    /// Searches, by bisection between 0 and <paramref name="settings"/>' rate, for the highest offered rate the cluster
    /// sustains (everything offered in the window finalized, none of it refused for a full pool, p50 finality ≤ 1 s), to a step of 5% of that rate or
    /// 50 tx/s; then measures the cluster and the baseline at it as <see cref="RunAsync"/> does. Null when even the
    /// lowest probe is not sustained.
    /// </summary>
    public static async Task<ConsensusBenchmarkResult?> FindSustainableRateAsync(ConsensusBenchmarkSettings settings, CancellationToken cancellationToken)
    {
        int sustained = 0;
        int failed = settings.Rate + 1;
        var probes = new List<int>();
        while (failed - sustained > Math.Max(50, settings.Rate / 20))
        {
            int rate = sustained + (failed - sustained) / 2;
            probes.Add(rate);
            var probe = settings with { Rate = rate };
            using var load = Workload.Create(probe);
            var figures = await MeasureAsync(settings.Validators, load, probe, cancellationToken).ConfigureAwait(false);
            bool ok = figures.Unfinalized == 0 && figures.RefusedFull == 0 && figures.P50 <= SustainedP50Ms;
            (sustained, failed) = ok ? (rate, failed) : (sustained, rate);
        }
        return sustained == 0 ? null : await RunAsync(settings with { Rate = sustained }, cancellationToken).ConfigureAwait(false) with { RatesProbed = probes };
    }

    public static async Task<ConsensusBenchmarkResult> RunAsync(ConsensusBenchmarkSettings settings, CancellationToken cancellationToken)
    {
        double? loadAverage = ReadLoadAverage();
        var load = Workload.Create(settings);
        try
        {
            var cluster = await MeasureAsync(settings.Validators, load, settings, cancellationToken).ConfigureAwait(false);
            var baseline = await MeasureAsync(1, load, settings, cancellationToken).ConfigureAwait(false);
            return new ConsensusBenchmarkResult
            {
                Validators = settings.Validators,
                OfferedRate = settings.Rate,
                DurationSeconds = settings.Duration.TotalSeconds,
                WarmupSeconds = settings.Warmup.TotalSeconds,
                Accounts = settings.Accounts,
                Submitted = cluster.Submitted,
                Refused = cluster.Refused,
                Refusals = cluster.Refusals,
                RefusedFull = cluster.RefusedFull,
                Committed = cluster.Committed,
                Unfinalized = cluster.Unfinalized,
                Blocks = cluster.Blocks,
                RoundsAboveZero = cluster.RoundsAboveZero,
                TxPerSecond = Math.Round(cluster.TxPerSecond, 1),
                FinalityMsP50 = cluster.P50,
                FinalityMsP90 = cluster.P90,
                FinalityMsP99 = cluster.P99,
                BaselineTxPerSecond = Math.Round(baseline.TxPerSecond, 1),
                BaselineFinalityMsP50 = baseline.P50,
                BaselineFinalityMsP99 = baseline.P99,
                BaselineBlocks = baseline.Blocks,
                Ratio = baseline.TxPerSecond > 0 ? Math.Round(cluster.TxPerSecond / baseline.TxPerSecond, 3) : 0,
                Cores = Environment.ProcessorCount,
                CpuCoresUsed = cluster.CpuCoresUsed,
                LoadAverage = loadAverage,
                Notes = Notes,
            };
        }
        finally
        {
            load.Dispose();
        }
    }

    private static async Task<Figures> MeasureAsync(int size, Workload load, ConsensusBenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("pocc-bench-consensus-");
        var nodes = new List<ValidatorNode>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var engines = new List<Task>();
        try
        {
            var validatorKeys = Enumerable.Range(0, size).Select(i => KeyPair.FromLabel($"bench-validator-{i}")).ToArray();
            var genesis = load.Genesis(validatorKeys);
            for (int i = 0; i < size; i++)
            {
                nodes.Add(ValidatorNode.Start(i, Path.Combine(directory.FullName, $"v{i}"), genesis, validatorKeys[i], nodes, load.MaxPending, load.Backlog));
            }
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connecting.CancelAfter(Patience);
                while (nodes.Any(node => node.Peers.ConnectedPeers.Count < size - 1))
                {
                    await Task.Delay(10, connecting.Token).ConfigureAwait(false);
                }
            }
            var tracker = new FinalityTracker(load);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            engines.AddRange(nodes.Select(node => node.Run(tracker, stop.Token)));
            await Task.Run(() => Offer(load, nodes, tracker, settings, engines, cancellationToken), cancellationToken).ConfigureAwait(false);
            // Let what was offered finish, so the tail of the latency distribution is in the figures too.
            var drainUntil = Stopwatch.GetTimestamp() + (long)(Patience.TotalSeconds * Stopwatch.Frequency);
            while (!tracker.AllFinalized && Stopwatch.GetTimestamp() < drainUntil && !engines.Any(engine => engine.IsCompleted))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            double cpuCores = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds / wall.Elapsed.TotalSeconds;
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(engines).ConfigureAwait(false);
            return tracker.Summarize(settings.Duration) with { CpuCoresUsed = Math.Round(cpuCores, 2) };
        }
        finally
        {
            // On failure too, no engine may still be writing to a store being closed.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(engines).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            foreach (var node in nodes)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Offers the workload open-loop: at each tick everything due by the clock goes in, however far behind the cluster is.
    /// A pool holds one second of load (<see cref="Workload.Backlog"/>): what it refuses as full waits with its client
    /// (<see cref="Client"/>) and is offered again; its finality still counts from the first offer. Retrying goes on for
    /// <see cref="Patience"/> after the last new offer.
    /// </summary>
    private static void Offer(Workload load, List<ValidatorNode> nodes, FinalityTracker tracker, ConsensusBenchmarkSettings settings, List<Task> engines, CancellationToken cancellationToken)
    {
        tracker.Begin(settings.Warmup, settings.Duration);
        var clock = Stopwatch.StartNew();
        var clients = nodes.Select(node => new Client(load, node.Pool)).ToArray();
        int next = 0;
        int batches = 0;
        TimeSpan? retryUntil = null;
        while (next < load.Transactions.Length || (clients.Any(client => client.Waiting > 0) && clock.Elapsed < retryUntil))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (engines.FirstOrDefault(engine => engine.IsCompleted) is { } stopped)
            {
                stopped.GetAwaiter().GetResult();
                throw new InvalidOperationException("a validator's engine stopped during the benchmark");
            }
            int due = (int)Math.Min(load.Transactions.Length, (long)(settings.Rate * clock.Elapsed.TotalSeconds));
            if (due > next)
            {
                tracker.Submitted(next, due, batches++ % nodes.Count);
            }
            // Every validator admits the batch on its own threads at once, as each would on receiving it by gossip.
            var errors = new LedgerException?[nodes.Count][];
            int from = next;
            Parallel.For(0, nodes.Count, k => errors[k] = clients[k].Offer(from, due));
            foreach (var refused in errors)
            {
                tracker.Refused(refused);
            }
            if (due == next)
            {
                Thread.Sleep(BatchInterval);
            }
            next = Math.Max(next, due);
            if (next == load.Transactions.Length)
            {
                retryUntil ??= clock.Elapsed + Patience;
            }
        }
    }

    /// <summary>
    /// The clients of one validator, as the pool sees them: a transaction its pool refused as full waits and is offered
    /// again, ahead of new ones and no more at a time than the pool has room for, and its sender's later transactions wait
    /// behind it, as a wallet submits nonces in order: offered past the gap, they would sit in the pool unable to run.
    /// </summary>
    private sealed class Client(Workload load, TransactionPool pool)
    {
        // By position in the workload, which orders each sender's transactions by nonce.
        private readonly SortedSet<int> _waiting = [];
        private readonly int[] _waitingBySender = new int[load.Senders];

        public int Waiting => _waiting.Count;

        /// <summary>Offers what waits (as much as fits), then the transactions from <paramref name="from"/> to <paramref name="to"/>.</summary>
        public LedgerException?[] Offer(int from, int to)
        {
            var offered = new List<int>(to - from);
            int room = load.Backlog - pool.Count;
            foreach (int i in _waiting)
            {
                if (offered.Count >= room)
                {
                    break;
                }
                offered.Add(i);
            }
            foreach (int i in offered)
            {
                _waiting.Remove(i);
                _waitingBySender[load.SenderOf(i)]--;
            }
            for (int i = from; i < to; i++)
            {
                if (_waitingBySender[load.SenderOf(i)] > 0)
                {
                    Wait(i);
                }
                else
                {
                    offered.Add(i);
                }
            }
            var errors = pool.AddBatch([.. offered.Select(i => load.Transactions[i])]);
            for (int j = 0; j < errors.Length; j++)
            {
                if (errors[j]?.Code == LedgerErrors.MempoolFull)
                {
                    Wait(offered[j]);
                }
            }
            return errors;
        }

        private void Wait(int i)
        {
            _waiting.Add(i);
            _waitingBySender[load.SenderOf(i)]++;
        }
    }

    private sealed record Figures(long Submitted, long Refused, long RefusedFull, IReadOnlyCollection<string> Refusals, long Committed, long Unfinalized, int Blocks, int RoundsAboveZero, double TxPerSecond, double P50, double P90, double P99)
    {
        public double CpuCoresUsed { get; init; }
    }

    /// <summary>The one-minute load average from /proc/loadavg, or null where there is none.</summary>
    private static double? ReadLoadAverage()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path))
        {
            return null;
        }
        var first = File.ReadAllText(path).Split(' ', 2)[0];
        return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double load) ? load : null;
    }

    /// <summary>The pre-signed transfers and the funded accounts that send them, the same for the cluster and the baseline.</summary>
    private sealed class Workload : IDisposable
    {
        private readonly KeyPair[] _accounts;

        private Workload(KeyPair[] accounts, SignedTransaction[] transactions, Dictionary<Hash32, int> index, int maxPending, int backlog)
        {
            _accounts = accounts;
            Transactions = transactions;
            Index = index;
            MaxPending = maxPending;
            Backlog = backlog;
        }

        public const string ChainName = "pocc-bench-consensus";

        /// <summary>
        /// Every transfer pays the same fee, so a full pool refuses a newcomer rather than evicting a pending one: an
        /// evicted transaction is lost to its client, and its sender's later ones, admitted past the gap, could never run.
        /// </summary>
        private static readonly Amount Fee = new(1);

        public SignedTransaction[] Transactions { get; }

        /// <summary>Position in <see cref="Transactions"/> of each transaction, by hash.</summary>
        public Dictionary<Hash32, int> Index { get; }

        public int MaxPending { get; }

        public int Senders => _accounts.Length;

        /// <summary>The account that sends the transaction at <paramref name="position"/> (round robin, so nonces rise with position).</summary>
        public int SenderOf(int position) => position % _accounts.Length;

        /// <summary>
        /// The most transactions a pool holds: a second of the offered load. Past capacity a pool sheds the rest (each
        /// refused before its signature is checked), so the backlog, the blocks and finality stay bounded and the CPU
        /// goes to consensus rather than to verifying transactions that would wait.
        /// </summary>
        public int Backlog { get; }

        public static Workload Create(ConsensusBenchmarkSettings settings)
        {
            int accountCount = settings.Accounts;
            var keys = new KeyPair[accountCount];
            Parallel.For(0, accountCount, i => keys[i] = KeyPair.FromLabel($"bench-account-{i}"));
            long total = (long)Math.Ceiling(settings.Rate * (settings.Warmup + settings.Duration).TotalSeconds);
            var transactions = new SignedTransaction[total];
            var chainId = new ChainId(ChainName);
            Parallel.For(0, transactions.Length, i =>
            {
                int sender = i % accountCount;
                var to = keys[(sender + 1 + (i / accountCount % (accountCount - 1))) % accountCount].Address;
                var signed = new Transaction(chainId, keys[sender].PublicKey, (ulong)(i / accountCount), Fee, new Transfer(to, new Amount(1))).Sign(keys[sender]);
                _ = signed.Hash;
                transactions[i] = signed;
            });
            var index = new Dictionary<Hash32, int>(transactions.Length);
            for (int i = 0; i < transactions.Length; i++)
            {
                index.Add(transactions[i].Hash, i);
            }
            // A sender's pending run stays far below this unless the cluster stalls for long.
            int perSender = (int)Math.Min(int.MaxValue, Math.Max(1_000, total / accountCount + 1));
            return new Workload(keys, transactions, index, perSender, Math.Max(1_000, settings.Rate));
        }

        public GenesisDocument Genesis(IEnumerable<KeyPair> validators) => new()
        {
            ChainId = ChainName,
            Accounts = [.. _accounts.Select(k => new GenesisAccount(k.Address.ToString(), 1_000_000_000_000))],
            Validators = [.. validators.Select(v => new GenesisValidator(v.PublicKey.ToString(), 1_000_000))],
        };

        public void Dispose()
        {
            foreach (var key in _accounts)
            {
                key.Dispose();
            }
        }
    }

    /// <summary>
    /// When each transaction was offered, to which validator, and when that validator finalized it; blocks and rounds as
    /// the first validator saw them. Finalized events arrive on each engine's loop: a transaction's finality is written
    /// by its home validator alone and the block counts by validator 0 alone, so nothing is written from two threads.
    /// </summary>
    private sealed class FinalityTracker(Workload load)
    {
        private readonly long[] _submittedAt = new long[load.Transactions.Length];
        private readonly long[] _finalizedAt = new long[load.Transactions.Length];
        private readonly int[] _home = new int[load.Transactions.Length];
        private long _windowStart;
        private long _windowEnd;
        private int _submitted;
        private long _refused;
        private long _refusedFull;
        private readonly SortedSet<string> _refusals = new(StringComparer.Ordinal);
        private long _committedInWindow;
        private int _blocks;
        private int _roundsAboveZero;
        private long _finalizedCount;

        public bool AllFinalized => Interlocked.Read(ref _finalizedCount) >= Volatile.Read(ref _submitted);

        public void Begin(TimeSpan warmup, TimeSpan duration)
        {
            long now = Stopwatch.GetTimestamp();
            _windowStart = now + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
            _windowEnd = _windowStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        }

        public void Submitted(int from, int to, int home)
        {
            long now = Stopwatch.GetTimestamp();
            for (int i = from; i < to; i++)
            {
                _home[i] = home;
                _submittedAt[i] = now;
            }
            Volatile.Write(ref _submitted, to);
        }

        /// <summary>
        /// Admissions a validator's pool refused. <c>tx.nonce_too_low</c> is a race gossip has too: that validator had
        /// already committed the transaction, proposed by a peer whose pool admitted it sooner. A refused transaction that
        /// no block took stays unfinalized.
        /// </summary>
        public void Refused(LedgerException?[] errors)
        {
            foreach (var error in errors)
            {
                if (error is not null)
                {
                    _refused++;
                    _refusedFull += error.Code == LedgerErrors.MempoolFull ? 1 : 0;
                    _refusals.Add(error.Code);
                }
            }
        }

        /// <summary>The error codes of the refusals, each once.</summary>
        public IReadOnlyCollection<string> Refusals => _refusals;

        public void OnFinalized(int validator, FinalizedBlock finalized)
        {
            long now = Stopwatch.GetTimestamp();
            var block = finalized.Committed.Block;
            foreach (var tx in block.Transactions)
            {
                if (load.Index.TryGetValue(tx.Hash, out int i) && _home[i] == validator && _finalizedAt[i] == 0)
                {
                    _finalizedAt[i] = now;
                    Interlocked.Increment(ref _finalizedCount);
                }
            }
            if (validator == 0 && now >= _windowStart && now < _windowEnd)
            {
                _blocks++;
                _committedInWindow += block.Transactions.Count;
                if (finalized.Committed.Commit.Round > 0)
                {
                    _roundsAboveZero++;
                }
            }
        }

        public Figures Summarize(TimeSpan duration)
        {
            var latencies = new List<double>();
            long unfinalized = 0;
            for (int i = 0; i < _submitted; i++)
            {
                if (_submittedAt[i] < _windowStart || _submittedAt[i] >= _windowEnd)
                {
                    continue;
                }
                if (_finalizedAt[i] == 0)
                {
                    unfinalized++;
                }
                else
                {
                    latencies.Add((_finalizedAt[i] - _submittedAt[i]) * 1000.0 / Stopwatch.Frequency);
                }
            }
            latencies.Sort();
            return new Figures(_submitted, _refused, _refusedFull, _refusals, _committedInWindow, unfinalized, _blocks, _roundsAboveZero, _committedInWindow / duration.TotalSeconds,
                Percentile(latencies, 50), Percentile(latencies, 90), Percentile(latencies, 99));
        }

        private static double Percentile(List<double> sorted, int percent) =>
            sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)((long)sorted.Count * percent / 100))], 1);
    }

    /// <summary>One validator: its chain on RocksDB, mempool, TCP peer manager, consensus network and engine with WAL.</summary>
    private sealed class ValidatorNode : IAsyncDisposable
    {
        private readonly RocksDbStore _store;
        private readonly PeerConsensusNetwork _network;
        private readonly TendermintEngine _engine;
        private readonly KeyPair _nodeKey;
        private readonly KeyPair _validatorKey;
        private readonly int _index;

        private ValidatorNode(int index, RocksDbStore store, TransactionPool pool, PeerManager peers, PeerConsensusNetwork network, TendermintEngine engine, KeyPair nodeKey, KeyPair validatorKey)
        {
            _validatorKey = validatorKey;
            _index = index;
            _store = store;
            Pool = pool;
            Peers = peers;
            _network = network;
            _engine = engine;
            _nodeKey = nodeKey;
        }

        public TransactionPool Pool { get; }

        public PeerManager Peers { get; }

        /// <summary>Opens the chain and starts listening on a free loopback port, dialling every validator started before it.</summary>
        public static ValidatorNode Start(int index, string directory, GenesisDocument genesis, KeyPair validatorKey, IReadOnlyList<ValidatorNode> earlier, int maxPerSender, int backlog)
        {
            var store = RocksDbStore.Open(Path.Combine(directory, "chain"));
            var chain = Blockchain.Open(store, genesis);
            var pool = new TransactionPool(chain, new MempoolOptions { MaxPerSender = maxPerSender, MaxTransactions = backlog, MaxBytes = 512L * 1024 * 1024 }, TimeProvider.System);
            // The transport identifies nodes by their own keys; consensus signs with the validator keys.
            var nodeKey = KeyPair.FromLabel($"bench-node-{index}");
            var options = new NetworkOptions
            {
                ChainId = genesis.ChainId,
                ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
                PersistentPeers = [.. earlier.Select(peer => new PersistentPeer(peer.Peers.LocalEndPoint!, peer._nodeKey.PublicKey))],
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            }.WithConsensusLimits();
            var peers = new PeerManager(nodeKey, options, TimeProvider.System, NullLogger<PeerManager>.Instance);
            peers.Start();
            var network = new PeerConsensusNetwork(peers, NullLogger<PeerConsensusNetwork>.Instance);
            var consensusDirectory = Directory.CreateDirectory(Path.Combine(directory, "consensus")).FullName;
            var engine = new TendermintEngine(chain, pool, new KeyPairConsensusSigner(validatorKey), network,
                new TendermintEngineOptions { DataDirectory = consensusDirectory }, TimeProvider.System, NullLogger<TendermintEngine>.Instance);
            return new ValidatorNode(index, store, pool, peers, network, engine, nodeKey, validatorKey);
        }

        public Task Run(FinalityTracker tracker, CancellationToken cancellationToken)
        {
            _engine.Finalized += block => tracker.OnFinalized(_index, block);
            return Task.Run(() => _engine.RunAsync(cancellationToken), CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await _network.DisposeAsync().ConfigureAwait(false);
            await Peers.DisposeAsync().ConfigureAwait(false);
            _store.Dispose();
            _nodeKey.Dispose();
            _validatorKey.Dispose();
        }
    }
}
