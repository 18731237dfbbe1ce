using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// Every accepted message of the current height, by round: the proposals, the prevotes and precommits, and which
/// validators have spoken in each round (with their power) for the round-skip rule.
/// </summary>
internal sealed class HeightMessages
{
    /// <summary>
    /// Proposals kept per round. Only an equivocating proposer sends two; keeping both lets a node that got the
    /// "other" one first still decide when the rest of the network decided on it, and the cap bounds memory.
    /// </summary>
    public const int MaxProposalsPerRound = 2;

    private readonly Dictionary<int, List<Proposal>> _proposals = [];
    private readonly Dictionary<(int Round, VoteType Type), RoundVotes> _votes = [];
    private readonly Dictionary<int, (HashSet<Address> Senders, UInt128 Power)> _senders = [];

    public IEnumerable<Proposal> Proposals => _proposals.Values.SelectMany(round => round);

    /// <summary>The round's proposals in the order they arrived.</summary>
    public IReadOnlyList<Proposal> ProposalsAt(int round) => _proposals.GetValueOrDefault(round) ?? [];

    public AddVoteResult AddProposal(Proposal proposal, ulong power)
    {
        if (!_proposals.TryGetValue(proposal.Round, out var proposals))
        {
            _proposals.Add(proposal.Round, [proposal]);
            RecordSender(proposal.Round, proposal.Proposer, power);
            return AddVoteResult.Added;
        }
        if (proposals.Exists(p => p.BlockHash == proposal.BlockHash))
        {
            return AddVoteResult.Duplicate;
        }
        if (proposals.Count >= MaxProposalsPerRound)
        {
            return AddVoteResult.TooManyConflicting;
        }
        proposals.Add(proposal);
        return AddVoteResult.Conflicting;
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
