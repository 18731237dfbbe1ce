using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;

namespace Pocc.Consensus.Tendermint;

/// <summary>The outcome of adding a vote to a <see cref="RoundVotes"/>.</summary>
internal enum AddVoteResult
{
    Added,
    Duplicate,

    /// <summary>A further value from the same validator: counted for its own value's tally, and evidence.</summary>
    Conflicting,

    /// <summary>A value beyond the counted ones, kept aside uncounted until its value has more than a third of the power.</summary>
    Held,

    /// <summary>A value beyond what is counted or held: not kept.</summary>
    TooManyConflicting,
}

/// <summary>
/// The votes of one type in one round of one height, with the voting power behind each value. As in the paper, a
/// validator counts once towards each value it signed and once towards "any value": an equivocator's votes are each
/// counted for their own value. Counting only its first vote would let it show different nodes different quorums
/// forever (one sees a proof-of-lock, another never does) and stall liveness; counting all is safe because two
/// quorums for different values overlap in more than a third of the power, so in some honest validator.
/// </summary>
/// <remarks>
/// An equivocator can sign any number of values, so memory is bounded: the first
/// <see cref="MaxCountedValuesPerValidator"/> values are counted at once; a further value is counted only when it
/// already has more than a third of the power (so an honest validator voted for it: at most one such value per honest
/// validator, plus nil), and otherwise is held uncounted, up to <see cref="MaxHeldPerValidator"/> per validator, and
/// counted as soon as its value crosses a third. Without the held votes a node that saw an equivocator's junk values
/// first could never count its vote for the value the honest validators chose, and would miss the quorum that every
/// other node saw.
/// </remarks>
internal sealed class RoundVotes
{
    /// <summary>Distinct values counted at once per validator: the evidence pair and a validator splitting the network in two.</summary>
    public const int MaxCountedValuesPerValidator = 2;

    /// <summary>Further values per validator kept uncounted until their value has more than a third of the power.</summary>
    public const int MaxHeldPerValidator = 4;

    private readonly Dictionary<Address, List<Vote>> _votes = [];
    private readonly Dictionary<Address, List<(Vote Vote, ulong Power)>> _held = [];
    private readonly Dictionary<Hash32, UInt128> _powerFor = [];
    private UInt128 _nilPower;

    /// <summary>Power of the validators that voted at all, each once.</summary>
    public UInt128 TotalPower { get; private set; }

    /// <summary>The first vote received from <paramref name="validator"/>, if any.</summary>
    public Vote? First(Address validator) => _votes.TryGetValue(validator, out var votes) ? votes[0] : null;

    /// <summary>Whether this exact signed vote is already counted or held.</summary>
    public bool Contains(Vote vote) =>
        (_votes.TryGetValue(vote.Validator, out var votes) && votes.Exists(v => v.BlockHash == vote.BlockHash && v.Signature == vote.Signature))
        || (_held.TryGetValue(vote.Validator, out var held) && held.Exists(h => h.Vote.BlockHash == vote.BlockHash && h.Vote.Signature == vote.Signature));

    public AddVoteResult Add(Vote vote, ulong power, ulong totalPower)
    {
        if (!_votes.TryGetValue(vote.Validator, out var votes))
        {
            _votes.Add(vote.Validator, [vote]);
            TotalPower += power;
            Count(vote.BlockHash, power, totalPower);
            return AddVoteResult.Added;
        }
        var held = _held.GetValueOrDefault(vote.Validator);
        if (votes.Exists(v => v.BlockHash == vote.BlockHash) || held?.Exists(h => h.Vote.BlockHash == vote.BlockHash) == true)
        {
            return AddVoteResult.Duplicate;
        }
        if (votes.Count < MaxCountedValuesPerValidator || Quorum.IsOneThird(PowerFor(vote.BlockHash), totalPower))
        {
            votes.Add(vote);
            Count(vote.BlockHash, power, totalPower);
            return AddVoteResult.Conflicting;
        }
        return Hold(vote, power, held) ? AddVoteResult.Held : AddVoteResult.TooManyConflicting;
    }

    public UInt128 PowerFor(Hash32? value) => value is { } hash ? _powerFor.GetValueOrDefault(hash) : _nilPower;

    /// <summary>The precommits for <paramref name="value"/> as commit signatures: one per validator, sorted by address.</summary>
    public IReadOnlyList<CommitSignature> SignaturesFor(Hash32 value) =>
        _votes.Values.SelectMany(votes => votes).Where(v => v.BlockHash == value).OrderBy(v => v.Validator)
            .Select(v => new CommitSignature(v.Validator, v.Signature)).ToArray();

    /// <summary>Holds <paramref name="vote"/>, evicting the held vote whose value has the least power if that is less than this one's.</summary>
    private bool Hold(Vote vote, ulong power, List<(Vote Vote, ulong Power)>? held)
    {
        if (held is null)
        {
            _held.Add(vote.Validator, [(vote, power)]);
            return true;
        }
        if (held.Count >= MaxHeldPerValidator)
        {
            int weakest = 0;
            for (int i = 1; i < held.Count; i++)
            {
                if (PowerFor(held[i].Vote.BlockHash) < PowerFor(held[weakest].Vote.BlockHash))
                {
                    weakest = i;
                }
            }
            if (PowerFor(held[weakest].Vote.BlockHash) >= PowerFor(vote.BlockHash))
            {
                return false;
            }
            held.RemoveAt(weakest);
        }
        held.Add((vote, power));
        return true;
    }

    private void Count(Hash32? value, ulong power, ulong totalPower)
    {
        AddPower(value, power);
        if (_held.Count > 0 && Quorum.IsOneThird(PowerFor(value), totalPower))
        {
            PromoteHeld(value);
        }
    }

    /// <summary>Counts the held votes for <paramref name="value"/>, which now has more than a third of the power.</summary>
    private void PromoteHeld(Hash32? value)
    {
        foreach (var (validator, held) in _held)
        {
            int index = held.FindIndex(h => h.Vote.BlockHash == value);
            if (index < 0)
            {
                continue;
            }
            var (vote, power) = held[index];
            held.RemoveAt(index);
            _votes[validator].Add(vote);
            AddPower(value, power);
        }
    }

    private void AddPower(Hash32? value, ulong power)
    {
        if (value is { } hash)
        {
            _powerFor[hash] = _powerFor.GetValueOrDefault(hash) + power;
        }
        else
        {
            _nilPower += power;
        }
    }
}

/// <summary>The two thresholds of weighted BFT, in exact integer arithmetic.</summary>
public static class Quorum
{
    /// <summary>More than two thirds of the total power: enough that any two such sets share an honest validator.</summary>
    public static bool IsSuper(UInt128 power, ulong totalPower) => power * 3 > (UInt128)totalPower * 2;

    /// <summary>More than one third (the paper's f + 1): at least one honest validator is among them.</summary>
    public static bool IsOneThird(UInt128 power, ulong totalPower) => power * 3 > totalPower;
}
