using Pocc.Core.Addressing;
using Pocc.Core.Hashing;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// Every accepted message of the current height, by round: one proposal per round, the prevotes and precommits,
/// and which validators have spoken in each round (with their power) for the round-skip rule.
/// </summary>
internal sealed class HeightMessages
{
    private readonly Dictionary<int, Proposal> _proposals = [];
    private readonly Dictionary<(int Round, VoteType Type), RoundVotes> _votes = [];
    private readonly Dictionary<int, (HashSet<Address> Senders, UInt128 Power)> _senders = [];

    public IEnumerable<Proposal> Proposals => _proposals.Values;

    public Proposal? ProposalAt(int round) => _proposals.GetValueOrDefault(round);

    public void AddProposal(Proposal proposal, ulong power)
    {
        _proposals.Add(proposal.Round, proposal);
        RecordSender(proposal.Round, proposal.Proposer, power);
    }

    /// <summary>The votes of one type and round; empty (and not stored) if none have arrived.</summary>
    public RoundVotes Votes(int round, VoteType type) => _votes.GetValueOrDefault((round, type)) ?? Empty;

    public RoundVotes VotesForAdding(int round, VoteType type)
    {
        if (!_votes.TryGetValue((round, type), out var votes))
        {
            votes = new RoundVotes();
            _votes.Add((round, type), votes);
        }
        return votes;
    }

    public void RecordSender(int round, Address sender, ulong power)
    {
        if (!_senders.TryGetValue(round, out var entry))
        {
            entry = ([], 0);
        }
        if (entry.Senders.Add(sender))
        {
            entry.Power += power;
        }
        _senders[round] = entry;
    }

    /// <summary>The highest round above <paramref name="round"/> in which validators with more than a third of the power have spoken.</summary>
    public int? HighestRoundWithOneThirdAbove(int round, ulong totalPower)
    {
        int? highest = null;
        foreach (var (candidate, entry) in _senders)
        {
            if (candidate > round && candidate > (highest ?? -1) && Quorum.IsOneThird(entry.Power, totalPower))
            {
                highest = candidate;
            }
        }
        return highest;
    }

    // Shared and never written: reads of rounds nobody voted in must not allocate.
    private static readonly RoundVotes Empty = new();
}
