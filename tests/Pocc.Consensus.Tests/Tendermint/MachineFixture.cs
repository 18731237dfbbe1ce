using Pocc.Consensus.Tendermint;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Tendermint;

/// <summary>Proposer of round r is validator r mod n, whatever the height: easy to reason about in unit tests.</summary>
internal sealed class RotatingProposers(IReadOnlyList<Address> order) : IProposerSelector
{
    public Address Proposer(Height height, int round) => order[round % order.Count];
}

/// <summary>
/// One machine under test (validator <see cref="Self"/>) among validators v0..vn-1 with labelled keys, and helpers
/// that make the other validators' signed messages.
/// </summary>
internal sealed class MachineFixture
{
    public static readonly ChainId Chain = new("tm-test");
    public static readonly Hash32 A = Blake3Hash.Of("value A"u8);
    public static readonly Hash32 B = Blake3Hash.Of("value B"u8);
    public static readonly Height H = new(5);

    public static readonly TendermintTimeouts Timeouts = new()
    {
        ProposeBase = TimeSpan.FromMilliseconds(300),
        ProposeDelta = TimeSpan.FromMilliseconds(50),
        PrevoteBase = TimeSpan.FromMilliseconds(100),
        PrevoteDelta = TimeSpan.FromMilliseconds(20),
        PrecommitBase = TimeSpan.FromMilliseconds(200),
        PrecommitDelta = TimeSpan.FromMilliseconds(30),
    };

    public MachineFixture(int self = 3, ulong[]? powers = null, KeyPair? signer = null)
    {
        powers ??= [10, 10, 10, 10];
        Keys = powers.Select((_, i) => TestKeys.Of($"tm-v{i}")).ToArray();
        Validators = new ValidatorSet(Keys.Select((k, i) => new ValidatorPower(k.Address, k.PublicKey, powers[i])).ToList());
        Self = self;
        Machine = new TendermintMachine(Chain, new KeyPairConsensusSigner(signer ?? Keys[self]), Timeouts);
    }

    public KeyPair[] Keys { get; }

    public ValidatorSet Validators { get; }

    public int Self { get; }

    public TendermintMachine Machine { get; }

    public TendermintState State => Machine.State;

    public ConsensusOutput Start(Height? height = null) =>
        Machine.Handle(new Start(height ?? H, Validators, new RotatingProposers(Keys.Select(k => k.Address).ToArray())));

    public ConsensusOutput Handle(ConsensusEvent consensusEvent) => Machine.Handle(consensusEvent);

    public Vote Prevote(int who, int round, Hash32? value, Height? height = null) =>
        Vote.Sign(Chain, VoteType.Prevote, height ?? H, round, value, Keys[who]);

    public Vote Precommit(int who, int round, Hash32? value, Height? height = null) =>
        Vote.Sign(Chain, VoteType.Precommit, height ?? H, round, value, Keys[who]);

    public Proposal SignedProposal(int round, Hash32 value, int validRound = Proposal.NoRound) =>
        Proposal.Sign(Chain, H, round, value, Parts(value), validRound, Keys[round % Keys.Length]);

    /// <summary>A part set header for a test value: the machine only carries it into the proposals it signs.</summary>
    public static PartSetHeader Parts(Hash32 value) => new(1, value);

    public ConsensusOutput Receive(Vote vote) => Handle(new VoteReceived(vote));

    public ConsensusOutput Receive(Proposal proposal) => Handle(new ProposalReceived(proposal));

    /// <summary>Delivers the round's proposal of <paramref name="value"/> and says it is valid.</summary>
    public ConsensusOutput ReceiveValidProposal(int round, Hash32 value, int validRound = Proposal.NoRound)
    {
        var received = Receive(SignedProposal(round, value, validRound));
        var validated = Handle(new ProposalValidated(H, value, true));
        return new ConsensusOutput([.. received.Actions, .. validated.Actions], validated.Rejected);
    }

    public ConsensusOutput Prevotes(int round, Hash32? value, params int[] who) => All(who.Select(w => Receive(Prevote(w, round, value))));

    public ConsensusOutput Precommits(int round, Hash32? value, params int[] who) => All(who.Select(w => Receive(Precommit(w, round, value))));

    public ConsensusOutput Timeout(TimeoutKind kind, int round) => Handle(new TimeoutElapsed(kind, H, round));

    /// <summary>Drives round <paramref name="round"/> to a lock on <paramref name="value"/> (the machine precommits it) without a decision.</summary>
    public void LockOn(int round, Hash32 value)
    {
        ReceiveValidProposal(round, value);
        Prevotes(round, value, Others(2));
    }

    /// <summary>The first <paramref name="count"/> validators other than <see cref="Self"/>.</summary>
    public int[] Others(int count) => Enumerable.Range(0, Keys.Length).Where(i => i != Self).Take(count).ToArray();

    private static ConsensusOutput All(IEnumerable<ConsensusOutput> outputs)
    {
        var list = outputs.ToList();
        return new ConsensusOutput(list.SelectMany(o => o.Actions).ToArray(), list.Select(o => o.Rejected).LastOrDefault(r => r is not null));
    }
}

internal static class ConsensusOutputExtensions
{
    public static IEnumerable<Vote> Votes(this ConsensusOutput output, VoteType type) =>
        output.Actions.OfType<BroadcastVote>().Select(b => b.Vote).Where(v => v.Type == type);

    public static Vote SingleVote(this ConsensusOutput output, VoteType type) => Assert.Single(output.Votes(type));
}
