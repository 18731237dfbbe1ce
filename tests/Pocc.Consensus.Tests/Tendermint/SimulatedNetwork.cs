using Pocc.Consensus.Tendermint;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

/// <summary>Knobs of one simulated run; times are virtual milliseconds.</summary>
internal sealed record SimulationOptions
{
    public int Validators { get; init; } = 4;
    public int Heights { get; init; } = 2;

    /// <summary>Global stabilisation time: before it messages are dropped and delayed long; after it none are dropped.</summary>
    public long Gst { get; init; } = 1000;
    public double DropBeforeGst { get; init; } = 0.3;
    public double Duplicate { get; init; } = 0.1;
    public long MaxDelayBeforeGst { get; init; } = 120;

    /// <summary>Before GST the network is split in two at random every this often (or, half the time, whole).</summary>
    public long PartitionPeriod { get; init; } = 150;

    /// <summary>The paper's Δ: the longest a message takes after GST.</summary>
    public long MaxDelayAfterGst { get; init; } = 15;

    /// <summary>Virtual time after which the run stops even if some node has not decided every height.</summary>
    public long Horizon { get; init; } = 60_000;

    public bool Byzantine { get; init; } = true;

    public TendermintTimeouts Timeouts { get; init; } = new()
    {
        ProposeBase = TimeSpan.FromMilliseconds(40),
        ProposeDelta = TimeSpan.FromMilliseconds(10),
        PrevoteBase = TimeSpan.FromMilliseconds(20),
        PrevoteDelta = TimeSpan.FromMilliseconds(5),
        PrecommitBase = TimeSpan.FromMilliseconds(20),
        PrecommitDelta = TimeSpan.FromMilliseconds(5),
    };
}

/// <summary>
/// N Tendermint machines wired through a seeded, virtual-time network that delays, drops and partitions (before GST),
/// duplicates and reorders messages. Byzantine validators (less than a third of the power) run the same machine but equivocate:
/// each recipient gets either the vote they signed or a conflicting one, and their proposals are split the same way.
/// Honest nodes relay what they accept and messages dropped before GST are delivered after it: the paper's gossip
/// assumption that a message one honest node received reaches every honest node.
/// </summary>
internal sealed class SimulatedNetwork
{
    private static readonly ChainId Chain = new("tm-sim");

    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly PriorityQueue<(int Target, ConsensusEvent Event), (long Time, long Sequence)> _queue = new();
    private readonly List<(int Target, ConsensusEvent Event)> _dropped = [];
    private readonly Node[] _nodes;
    private readonly ValidatorSet _validators;
    private readonly IProposerSelector _proposers;
    private readonly HashSet<Hash32> _proposable = [];
    private readonly Dictionary<Hash32, Hash32> _twins = [];
    private readonly Dictionary<(Height, int), List<Hash32>> _proposed = [];
    private bool[] _side = [];
    private long _now;
    private long _sequence;

    public SimulatedNetwork(int seed, SimulationOptions options)
    {
        _options = options;
        _random = new Random(seed);
        var keys = Enumerable.Range(0, options.Validators).Select(i => TestKeys.Of($"tm-sim-{i}")).ToArray();
        var powers = keys.Select(_ => (ulong)_random.Next(1, 6)).ToArray();
        _validators = new ValidatorSet(keys.Select((k, i) => new ValidatorPower(k.Address, k.PublicKey, powers[i])).ToList());
        _proposers = new WeightedRoundRobinProposer(_validators);
        var byzantine = new HashSet<int>();
        if (options.Byzantine)
        {
            // As many as f = (n-1)/3 validators, but never a third of the power or more: the bound the paper proves safety under.
            ulong byzantinePower = 0;
            foreach (int i in Enumerable.Range(0, keys.Length).OrderBy(_ => _random.Next()))
            {
                if (byzantine.Count < (keys.Length - 1) / 3 && (byzantinePower + powers[i]) * 3 < _validators.TotalPower)
                {
                    byzantine.Add(i);
                    byzantinePower += powers[i];
                }
            }
        }
        _nodes = keys.Select((k, i) => new Node(k, byzantine.Contains(i), new TendermintMachine(Chain, new KeyPairConsensusSigner(k), options.Timeouts))).ToArray();
    }

    /// <summary>Value decided at each height, by the first node to decide it; a different later decision fails the run.</summary>
    public Dictionary<Height, Hash32> Decisions { get; } = [];

    /// <summary>Virtual time at which every honest node had decided every height, if it happened.</summary>
    public long? AllHonestDecidedAt { get; private set; }

    public List<DuplicateVoteEvidence> Evidence { get; } = [];

    /// <summary>The round of every decision of every node, to show how much of the run went past round 0.</summary>
    public List<int> RoundsDecided { get; } = [];

    /// <summary>Only these may ever be named in evidence: an honest validator never signs two different votes.</summary>
    public IReadOnlyList<Address> ByzantineAddresses => _nodes.Where(n => n.Byzantine).Select(n => n.Key.Address).ToArray();

    public void Run()
    {
        for (int i = 0; i < _nodes.Length; i++)
        {
            StartHeight(i, new Height(1));
        }
        _side = new bool[_nodes.Length];
        Enqueue(-1, new GstReached(), _options.Gst);
        for (long at = 0; at < _options.Gst; at += _options.PartitionPeriod)
        {
            Enqueue(-1, new Repartition(), at);
        }
        while (_queue.TryDequeue(out var item, out var at) && at.Time <= _options.Horizon && AllHonestDecidedAt is null)
        {
            _now = at.Time;
            if (item.Event is Repartition)
            {
                bool split = _random.Next(2) == 0;
                for (int i = 0; i < _side.Length; i++)
                {
                    _side[i] = split && _random.Next(2) == 0;
                }
                continue;
            }
            if (item.Event is GstReached)
            {
                Array.Clear(_side);
                foreach (var (target, message) in _dropped)
                {
                    Enqueue(target, message, _now + _random.NextInt64(0, _options.MaxDelayAfterGst + 1));
                }
                _dropped.Clear();
                continue;
            }
            Deliver(item.Target, item.Event);
        }
    }

    /// <summary>Each node's state, for the message of a failing seed.</summary>
    public string Describe() => string.Join("; ", _nodes.Select((n, i) => $"node {i}{(n.Byzantine ? " (byzantine)" : "")}: {n.Machine.State}"));

    private void StartHeight(int index, Height height)
    {
        var node = _nodes[index];
        node.Height = height;
        Perform(index, node.Machine.Handle(new Start(height, _validators, _proposers)));
        // Messages for this height that arrived early were held back, as a node's host would.
        var early = node.Future.Where(e => HeightOf(e) == height).ToList();
        node.Future.RemoveAll(e => HeightOf(e) <= height);
        foreach (var message in early)
        {
            Deliver(index, message);
        }
    }

    private void Deliver(int index, ConsensusEvent consensusEvent)
    {
        var node = _nodes[index];
        if (node.Height.Value > (ulong)_options.Heights)
        {
            return;
        }
        if (HeightOf(consensusEvent) is { } height && height > node.Height)
        {
            node.Future.Add(consensusEvent);
            return;
        }
        var output = node.Machine.Handle(consensusEvent);
        Perform(index, output);
        // Gossip: an honest node passes on every new message it accepts, so what one honest node has, all get.
        if (output.Accepted && !node.Byzantine && consensusEvent is ProposalReceived or VoteReceived)
        {
            Broadcast(index, consensusEvent, null);
        }
    }

    private void Perform(int index, ConsensusOutput output)
    {
        var node = _nodes[index];
        foreach (var action in output.Actions)
        {
            switch (action)
            {
                case BroadcastProposal broadcast:
                    Proposed(broadcast.Proposal.Height, broadcast.Proposal.Round, broadcast.Proposal.BlockHash);
                    Broadcast(index, new ProposalReceived(broadcast.Proposal), node.Byzantine ? new ProposalReceived(Conflicting(node, broadcast.Proposal)) : null);
                    break;
                case BroadcastVote broadcast:
                    Broadcast(index, new VoteReceived(broadcast.Vote), node.Byzantine ? new VoteReceived(Conflicting(node, broadcast.Vote)) : null);
                    break;
                case ScheduleTimeout timeout:
                    Enqueue(index, new TimeoutElapsed(timeout.Kind, timeout.Height, timeout.Round), _now + (long)timeout.Duration.TotalMilliseconds);
                    break;
                case ValidateProposal validate:
                    Enqueue(index, new ProposalValidated(validate.Height, validate.BlockHash, _proposable.Contains(validate.BlockHash)), _now + _random.NextInt64(0, 6));
                    break;
                case GetValue get:
                    var value = Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes($"block {get.Height} {get.Round} by {index}"));
                    _proposable.Add(value);
                    Enqueue(index, new ValueReady(get.Height, get.Round, value), _now + _random.NextInt64(0, 6));
                    break;
                case CommitDecision decision:
                    Decide(index, decision);
                    break;
                case ReportEvidence report:
                    Evidence.Add(report.Evidence);
                    break;
            }
        }
    }

    private void Decide(int index, CommitDecision decision)
    {
        if (Decisions.TryGetValue(decision.Height, out var earlier) && earlier != decision.BlockHash)
        {
            throw new InvalidOperationException($"agreement violated at height {decision.Height}: node {index} decided {decision.BlockHash}, another {earlier}");
        }
        Decisions[decision.Height] = decision.BlockHash;
        RoundsDecided.Add(decision.Round);
        _validators.VerifyCommit(Chain, decision.Height, decision.BlockHash, decision.Certificate);
        StartHeight(index, decision.Height.Next);
        if (_nodes.Where(n => !n.Byzantine).All(n => n.Height.Value > (ulong)_options.Heights))
        {
            AllHonestDecidedAt = _now;
        }
    }

    /// <summary>
    /// The same vote for a different value, chosen to do harm: for a block, the equivocating proposer's twin of it or
    /// nil; for nil, a block proposed in that round.
    /// </summary>
    private Vote Conflicting(Node node, Vote vote)
    {
        Hash32? other = vote.BlockHash switch
        {
            { } value when _twins.TryGetValue(value, out var twin) && _random.Next(3) > 0 => twin,
            { } => null,
            null when _proposed.TryGetValue((vote.Height, vote.Round), out var values) => values[_random.Next(values.Count)],
            null => Blake3Hash.Of(vote.Signature.Bytes),
        };
        return node.Key.SignVote(Chain, vote.Type, vote.Height, vote.Round, other);
    }

    /// <summary>
    /// A second, equally valid block for the same round, so both halves of the network can accept what they got. It
    /// claims no valid round, so only the lock stops validators that precommitted the first from prevoting it.
    /// </summary>
    private Proposal Conflicting(Node node, Proposal proposal)
    {
        var other = Blake3Hash.Of(proposal.Signature.Bytes);
        _proposable.Add(other);
        _twins[proposal.BlockHash] = other;
        _twins[other] = proposal.BlockHash;
        Proposed(proposal.Height, proposal.Round, other);
        return node.Key.SignProposal(Chain, proposal.Height, proposal.Round, other, Proposal.NoRound);
    }

    private void Proposed(Height height, int round, Hash32 value)
    {
        if (!_proposed.TryGetValue((height, round), out var values))
        {
            _proposed[(height, round)] = values = [];
        }
        values.Add(value);
    }

    /// <summary>Sends <paramref name="message"/> to every other node; with an equivocation, each gets one of the two or both.</summary>
    private void Broadcast(int from, ConsensusEvent message, ConsensusEvent? equivocation)
    {
        for (int to = 0; to < _nodes.Length; to++)
        {
            if (to == from)
            {
                continue;
            }
            int choice = equivocation is null ? 0 : _random.Next(3);
            if (choice != 1)
            {
                Send(from, to, message);
            }
            if (choice != 0)
            {
                Send(from, to, equivocation!);
            }
        }
    }

    private void Send(int from, int to, ConsensusEvent message)
    {
        bool beforeGst = _now < _options.Gst;
        if (beforeGst && (_side[from] != _side[to] || _random.NextDouble() < _options.DropBeforeGst))
        {
            _dropped.Add((to, message));
            return;
        }
        long maxDelay = beforeGst ? _options.MaxDelayBeforeGst : _options.MaxDelayAfterGst;
        Enqueue(to, message, _now + _random.NextInt64(0, maxDelay + 1));
        if (_random.NextDouble() < _options.Duplicate)
        {
            Enqueue(to, message, _now + _random.NextInt64(0, maxDelay + 1));
        }
    }

    private void Enqueue(int target, ConsensusEvent consensusEvent, long time) => _queue.Enqueue((target, consensusEvent), (time, _sequence++));

    private static Height? HeightOf(ConsensusEvent consensusEvent) => consensusEvent switch
    {
        ProposalReceived p => p.Proposal.Height,
        VoteReceived v => v.Vote.Height,
        _ => null,
    };

    private sealed record GstReached : ConsensusEvent;

    private sealed record Repartition : ConsensusEvent;

    private sealed class Node(KeyPair key, bool byzantine, TendermintMachine machine)
    {
        public KeyPairConsensusSigner Key { get; } = new(key);
        public bool Byzantine { get; } = byzantine;
        public TendermintMachine Machine { get; } = machine;
        public Height Height { get; set; }
        public List<ConsensusEvent> Future { get; } = [];
    }
}
