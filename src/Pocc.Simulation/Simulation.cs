using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Simulation;

/// <summary>
/// One seed of the deterministic simulation: N validators in one process, each running the node's own
/// <see cref="ValidatorCore"/> over a real ledger, joined by a network that drops, delays, duplicates, reorders and
/// partitions messages until the global stabilization time (GST), with crashes and restarts, Byzantine validators,
/// junk messages and a transfer load. One thread, one event queue ordered by virtual time then sequence number, one
/// <see cref="Random"/>: the same seed replays the same run. The invariants are checked as the run goes.
/// </summary>
public sealed partial class Simulation : IDisposable
{
    private static readonly TendermintTimeouts Timeouts = new()
    {
        ProposeBase = TimeSpan.FromMilliseconds(300),
        ProposeDelta = TimeSpan.FromMilliseconds(100),
        PrevoteBase = TimeSpan.FromMilliseconds(100),
        PrevoteDelta = TimeSpan.FromMilliseconds(50),
        PrecommitBase = TimeSpan.FromMilliseconds(100),
        PrecommitDelta = TimeSpan.FromMilliseconds(50),
    };

    // Keys depend only on the validator's index, so they are made once per process rather than per seed.
    private static readonly KeyPair[] ValidatorKeys = [.. Enumerable.Range(0, 16).Select(i => KeyPair.FromLabel($"sim-validator-{i}"))];
    private static readonly KeyPair[] AccountKeys = [.. Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"sim-account-{i}"))];
    private static readonly KeyPair Outsider = KeyPair.FromLabel("sim-outsider");

    public const int MaxValidators = 16;
    private const ulong AccountBalance = 1_000_000_000;
    private const long MaxPreGstDelayMs = 800;
    private const long MaxPostGstDelayMs = 40;

    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly VirtualClock _clock = new(DateTimeOffset.UnixEpoch.AddSeconds(1));
    private readonly PriorityQueue<SimEvent, (long Time, long Sequence)> _queue = new();
    private readonly GenesisDocument _genesis;
    private readonly ChainId _chainId;
    private readonly SimulatedValidator[] _nodes;
    private readonly int[] _left;
    private readonly HashSet<int> _partitioned = [];
    // Under SplitVotes: the two blocks a Byzantine proposer sent the two halves of the honest validators, by height and round.
    private readonly Dictionary<(Height, int), (Hash32 Left, Hash32 Right)> _splits = [];
    private readonly TendermintEngineOptions _engineOptions = new() { Timeouts = Timeouts };
    private readonly string _directory;
    private readonly IncrementalHash _trace = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<string> _traceLines = [];
    // Messages the network lost or whose recipient was down. The gossip assumption of the Tendermint paper: what one
    // honest validator sent reaches every honest validator eventually, so these arrive after GST, or after a restart.
    private readonly List<DeliverEvent> _lost = [];
    private readonly ulong[] _nonces = new ulong[4];
    private readonly InvariantChecker _invariants;
    private long _sequence;
    private long _steps;
    private long _gstMs;
    private long _lastRestartMs;
    private int _crashes;
    private int _evidence;
    private int _junk;

    public Simulation(SimulationOptions options)
    {
        if (options.Validators is < 1 or > MaxValidators)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"validators must be 1-{MaxValidators}");
        }
        if (options.Byzantine < 0 || options.Byzantine > options.Validators)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "byzantine must be 0 to the number of validators");
        }
        _options = options;
        _random = new Random(options.Seed);
        _genesis = new GenesisDocument
        {
            ChainId = "pocc-sim",
            Accounts = [.. AccountKeys.Select(k => new GenesisAccount(k.Address.ToString(), AccountBalance))],
            Validators = [.. ValidatorKeys.Take(options.Validators).Select(k => new GenesisValidator(k.PublicKey.ToString(), 1_000_000))],
        };
        _chainId = _genesis.GetChainId();
        // The name is unique per process and run; nothing in the run reads it, so it does not break determinism.
        _directory = Directory.CreateDirectory(Path.Combine(TempRoot(), $"pocc-sim-{options.Seed}-{Guid.NewGuid():N}")).FullName;
        var byzantine = Enumerable.Range(0, options.Validators).OrderBy(_ => _random.Next()).Take(options.Byzantine).ToHashSet();
        _nodes = [.. Enumerable.Range(0, options.Validators).Select(i =>
            new SimulatedValidator(i, ValidatorKeys[i], byzantine.Contains(i), Directory.CreateDirectory(Path.Combine(_directory, $"v{i}")).FullName))];
        var honest = _nodes.Where(n => !n.IsByzantine).Select(n => n.Index).ToArray();
        _left = honest[..(honest.Length / 2)];
        _invariants = new InvariantChecker(options, _genesis, this);
    }

    /// <summary>Virtual milliseconds since the start.</summary>
    public long NowMs => _clock.NowMs;

    /// <summary>Events handled so far.</summary>
    public long Steps => _steps;

    public static SimulationResult Run(SimulationOptions options)
    {
        using var simulation = new Simulation(options);
        return simulation.Run();
    }

    public SimulationResult Run()
    {
        PlanFaults();
        foreach (var node in _nodes)
        {
            Boot(node);
        }
        while (_invariants.Violations.Count == 0)
        {
            if (!_queue.TryDequeue(out var next, out var at))
            {
                _invariants.Fail(InvariantKinds.Liveness, $"nothing left to happen at {NowMs} ms and not every honest validator reached height {_options.TargetHeight}: {string.Join(",", _nodes.Select(Describe))}");
                break;
            }
            _clock.AdvanceTo(at.Time);
            _steps++;
            try
            {
                Step(next);
            }
            catch (Exception e) when (e is LedgerException or InvalidOperationException)
            {
                // In a node this would stop the engine: a bug to report with its seed, not a reason to lose the batch.
                _invariants.Fail(InvariantKinds.Exception, $"{e.GetType().Name}: {e.Message} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
                break;
            }
            _invariants.AfterStep(_nodes);
            if (_nodes.Where(n => !n.IsByzantine).All(n => n.IsUp && n.Chain.Height.Value >= _options.TargetHeight))
            {
                break;
            }
            if (NowMs > Math.Max(_gstMs, _lastRestartMs) + _options.LivenessBoundMs)
            {
                _invariants.Fail(InvariantKinds.Liveness, $"not every honest validator reached height {_options.TargetHeight} within {_options.LivenessBoundMs} ms of GST: heights {string.Join(",", _nodes.Select(Describe))}");
            }
        }
        var honestHeights = _nodes.Where(n => !n.IsByzantine).Select(n => n.Chain.Height.Value).DefaultIfEmpty().ToArray();
        return new SimulationResult(_options.Seed, _options.Validators, _options.Byzantine, honestHeights.Min(), honestHeights.Max(),
            _invariants.MaxRound, _evidence, _crashes, _junk, _steps, NowMs, Convert.ToHexStringLower(_trace.GetCurrentHash()),
            _invariants.Violations, _traceLines);
    }

    private string Describe(SimulatedValidator node) =>
        $"v{node.Index}{(node.IsByzantine ? "(byz)" : "")}={node.Chain.Height.Value}{(node.Core is { } core ? $"/r{core.Status.Round}/{core.Status.Step}" : "(down)")}";

    /// <summary>GST, a partition that heals at GST, crashes and restarts, the transfer load and junk: all drawn up front from the seed.</summary>
    private void PlanFaults()
    {
        _gstMs = _options.Sabotage == Sabotage.NeverHeal ? long.MaxValue / 4 : _random.NextInt64(1_000, 15_000);
        if (_options.Sabotage != Sabotage.NeverHeal)
        {
            Enqueue(_gstMs, new GstEvent());
        }
        Note($"GST at {_gstMs} ms; byzantine: {string.Join(",", _nodes.Where(n => n.IsByzantine).Select(n => $"v{n.Index}"))}");
        if (_random.Next(2) == 0 && _nodes.Length > 1)
        {
            foreach (var node in _nodes.Where(_ => _random.Next(2) == 0))
            {
                _partitioned.Add(node.Index);
            }
            Note($"partition {{{string.Join(",", _partitioned)}}} | rest until GST");
        }
        int crashes = _random.Next(0, 3);
        for (int i = 0; i < crashes; i++)
        {
            long at = _random.NextInt64(0, Math.Min(_gstMs, 20_000));
            int who = _random.Next(_nodes.Length);
            Enqueue(at, new CrashEvent(who));
            Enqueue(at + _random.NextInt64(100, 5_000), new RestartEvent(who));
        }
        for (long at = 50; at < Math.Min(_gstMs, 20_000) + 10_000; at += _random.NextInt64(100, 600))
        {
            Enqueue(at, new LoadEvent());
        }
        for (int i = _random.Next(3, 10); i > 0; i--)
        {
            Enqueue(_random.NextInt64(0, Math.Min(_gstMs, 20_000) + 5_000), new JunkEvent(_random.Next(_nodes.Length)));
        }
    }

    private void Step(SimEvent next)
    {
        switch (next)
        {
            case DeliverEvent deliver:
                Deliver(deliver);
                break;
            case TimerEvent timer when _nodes[timer.Node].IsUp && _nodes[timer.Node].TimerEpoch == timer.Epoch:
                Hash($"t{timer.Node}");
                _nodes[timer.Node].Core!.Fire(timer.Timeout);
                break;
            case BuildEvent build when _nodes[build.Node].IsUp && _nodes[build.Node].TimerEpoch == build.Epoch:
                Hash($"b{build.Node}");
                _nodes[build.Node].Core!.BuildDue(build.Get);
                break;
            case CrashEvent crash when _nodes[crash.Node].IsUp:
                _crashes++;
                Note($"v{crash.Node} crashes at height {_nodes[crash.Node].Chain.Height.Value}");
                _nodes[crash.Node].Crash();
                break;
            case RestartEvent restart when !_nodes[restart.Node].IsUp:
                Note($"v{restart.Node} restarts");
                _lastRestartMs = NowMs;
                Boot(_nodes[restart.Node]);
                Redeliver(lost => lost.To == restart.Node);
                break;
            case GstEvent:
                Note("GST: partitions heal, lost messages arrive");
                Redeliver(_ => true);
                break;
            case LoadEvent:
                SubmitTransfer();
                break;
            case JunkEvent junk:
                SendJunk(junk.Node);
                break;
        }
    }

    private void Boot(SimulatedValidator node)
    {
        IConsensusSink sink = node.IsByzantine ? new ByzantineSink(this, node) : new HonestSink(this, node);
        node.Boot(_genesis, _clock, sink, new Timers(this, node), _engineOptions,
            _options.Trace ? new TraceLogger($"v{node.Index}", Note) : NullLogger.Instance, core =>
        {
            core.Finalized += block => OnFinalized(node, block);
            core.EvidenceFound += _ => _evidence += node.IsByzantine ? 0 : 1;
        });
    }

    private void OnFinalized(SimulatedValidator node, FinalizedBlock block)
    {
        var committed = block.Committed;
        Hash($"f{node.Index}:{committed.Block.Header.Height.Value}:{committed.Block.Hash}");
        if (_options.Trace)
        {
            Note($"v{node.Index} commits height {committed.Block.Header.Height.Value} round {committed.Commit.Round} block {committed.Block.Hash} ({committed.Block.Transactions.Count} txs)");
        }
        _invariants.OnFinalized(node, committed);
    }

    private void Deliver(DeliverEvent deliver)
    {
        var node = _nodes[deliver.To];
        if (!node.IsUp)
        {
            _lost.Add(deliver);
            return;
        }
        Hash($"d{deliver.From}>{deliver.To}:{deliver.Type}:{deliver.Payload.Length}");
        ConsensusMessage message;
        try
        {
            message = ConsensusCodec.Decode(deliver.Type, deliver.Payload);
        }
        catch (CodecException)
        {
            // Undecodable bytes never reach the core, as with the TCP network.
            return;
        }
        node.CurrentSender = deliver.From;
        node.Core!.Receive(message);
    }

    /// <summary>Sends <paramref name="message"/> from one validator to another through the faulty network.</summary>
    private void Send(int from, int to, ConsensusMessage message)
    {
        var (type, payload) = ConsensusCodec.Encode(message);
        SendBytes(from, to, type, payload);
    }

    private void SendBytes(int from, int to, byte type, byte[] payload)
    {
        if (NowMs < _gstMs)
        {
            if (_options.Sabotage == Sabotage.NeverHeal || _partitioned.Contains(from) != _partitioned.Contains(to) || _random.Next(100) < 15)
            {
                _lost.Add(new DeliverEvent(from, to, type, payload));
                return;
            }
            int copies = _random.Next(100) < 5 ? 2 : 1;
            for (int i = 0; i < copies; i++)
            {
                Enqueue(NowMs + _random.NextInt64(1, MaxPreGstDelayMs), new DeliverEvent(from, to, type, payload));
            }
            return;
        }
        Enqueue(NowMs + _random.NextInt64(1, MaxPostGstDelayMs), new DeliverEvent(from, to, type, payload));
    }

    private void Broadcast(int from, ConsensusMessage message)
    {
        foreach (var node in _nodes)
        {
            if (node.Index != from)
            {
                Send(from, node.Index, message);
            }
        }
    }

    /// <summary>Sends the lost messages that <paramref name="which"/> picks and whose recipient is up again, in the order they were lost.</summary>
    private void Redeliver(Predicate<DeliverEvent> which)
    {
        var again = _lost.Where(lost => which(lost) && _nodes[lost.To].IsUp).ToArray();
        _lost.RemoveAll(lost => which(lost) && _nodes[lost.To].IsUp);
        foreach (var lost in again)
        {
            SendBytes(lost.From, lost.To, lost.Type, lost.Payload);
        }
    }

    /// <summary>A signed transfer between genesis accounts, handed to every running validator's pool as gossip would.</summary>
    private void SubmitTransfer()
    {
        int from = _random.Next(AccountKeys.Length);
        int to = (from + 1 + _random.Next(AccountKeys.Length - 1)) % AccountKeys.Length;
        var tx = new Transaction(_chainId, AccountKeys[from].PublicKey, _nonces[from]++, new Amount(1),
            new Transfer(AccountKeys[to].Address, new Amount((ulong)_random.Next(1, 1_000))));
        var signed = new SignedTransaction(tx, AccountKeys[from].Sign(tx.SigningBytes()));
        foreach (var node in _nodes.Where(n => n.IsUp))
        {
            try
            {
                node.Pool!.Add(signed);
            }
            catch (LedgerException)
            {
                // A restarted validator's pool lacks the earlier nonces; another proposer includes them.
            }
        }
    }

    /// <summary>Messages no honest validator would send: every one must be refused without effect on consensus.</summary>
    private void SendJunk(int to)
    {
        _junk++;
        var height = _nodes[to].Chain.Height.Next;
        var someHash = RandomHash();
        var claimed = ValidatorKeys[_random.Next(_nodes.Length)];
        switch (_random.Next(5))
        {
            case 0:
                var forged = new Vote(VoteType.Prevote, height, 0, someHash, claimed.Address, new Signature(RandomBytes(Signature.Size)));
                Send(to, to, new VoteMessage(forged));
                break;
            case 1:
                Send(to, to, new VoteMessage(Vote.Sign(_chainId, VoteType.Precommit, height, 0, someHash, Outsider)));
                break;
            case 2:
                Send(to, to, new VoteMessage(Vote.Sign(_chainId, VoteType.Prevote, new Height(height.Value + 1_000), 0, someHash, Outsider)));
                break;
            case 3:
                SendBytes(to, to, ConsensusMessageTypes.Proposal, RandomBytes(_random.Next(0, 300)));
                break;
            default:
                SendBytes(to, to, ConsensusMessageTypes.Vote, RandomBytes(ConsensusMessageTypes.MaxPayload(ConsensusMessageTypes.Vote) + 1));
                break;
        }
    }

    private Hash32 RandomHash() => new(RandomBytes(Hash32.Size));

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private void Enqueue(long at, SimEvent simEvent) => _queue.Enqueue(simEvent, (at, _sequence++));

    private void Hash(string what) => _trace.AppendData(Encoding.UTF8.GetBytes($"{NowMs}|{what};"));

    private void Note(string line)
    {
        Hash(line);
        TraceOnly(line);
    }

    /// <summary>A trace line that is not part of the trace hash, so tracing does not change what a seed's hash is.</summary>
    private void TraceOnly(string line)
    {
        if (_options.Trace)
        {
            _traceLines.Add($"{NowMs,8} ms  {line}");
        }
    }

    /// <summary>A message in a trace line: its kind, height, round, value (short) and signer.</summary>
    private static string Describe(ConsensusMessage message) => message switch
    {
        VoteMessage { Vote: var v } => $"{v.Type} h{v.Height.Value} r{v.Round} {Short(v.BlockHash)} by {v.Validator}",
        ProposalMessage { Proposal: var p } => $"Proposal h{p.Height.Value} r{p.Round} {Short(p.BlockHash)} vr{p.ValidRound} by {p.Proposer}",
        _ => $"{message.GetType().Name} h{message.Height.Value}",
    };

    private static string Short(Hash32? hash) => hash is { } h ? h.ToString()[..8] : "nil";

    private static string TempRoot() => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
        _trace.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private abstract record SimEvent;

    private sealed record DeliverEvent(int From, int To, byte Type, byte[] Payload) : SimEvent;

    private sealed record TimerEvent(int Node, int Epoch, TimeoutElapsed Timeout) : SimEvent;

    private sealed record BuildEvent(int Node, int Epoch, GetValue Get) : SimEvent;

    private sealed record CrashEvent(int Node) : SimEvent;

    private sealed record RestartEvent(int Node) : SimEvent;

    private sealed record LoadEvent : SimEvent;

    private sealed record GstEvent : SimEvent;

    private sealed record JunkEvent(int Node) : SimEvent;

    /// <summary>Timers on the event queue; cancelling bumps the validator's epoch, which voids the pending ones.</summary>
    private sealed class Timers(Simulation simulation, SimulatedValidator node) : IConsensusTimers
    {
        public void Schedule(TimeoutElapsed timeout, TimeSpan after) =>
            simulation.Enqueue(simulation.NowMs + after.Ticks / TimeSpan.TicksPerMillisecond, new TimerEvent(node.Index, node.TimerEpoch, timeout));

        public void ScheduleBuild(GetValue get, TimeSpan after) =>
            simulation.Enqueue(simulation.NowMs + after.Ticks / TimeSpan.TicksPerMillisecond, new BuildEvent(node.Index, node.TimerEpoch, get));

        public void CancelAll() => node.TimerEpoch++;
    }

    private sealed class HonestSink(Simulation simulation, SimulatedValidator node) : IConsensusSink
    {
        public void Broadcast(ConsensusMessage message)
        {
            simulation.TraceOnly($"v{node.Index} sends {Describe(message)}");
            simulation.Broadcast(node.Index, message);
        }

        public void Reply(ConsensusMessage request, ConsensusMessage response) => simulation.Send(node.Index, node.CurrentSender, response);

        // The simulated network keeps no peer scores: a refused part only shows in the trace.
        public void ReportInvalid(ConsensusMessage received, string reason)
        {
            if (simulation._options.Trace)
            {
                simulation.Note($"v{node.Index} refuses {received.GetType().Name}: {reason}");
            }
        }
    }
}
