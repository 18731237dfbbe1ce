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

    /// <summary>A second value from the same validator: kept for its own value's tally, and evidence.</summary>
    Conflicting,

    /// <summary>A value beyond <see cref="RoundVotes.MaxValuesPerValidator"/>: not kept.</summary>
    TooManyConflicting,
}

/// <summary>
/// The votes of one type in one round of one height, with the voting power behind each value. As in the paper, a
/// validator counts once towards each value it signed and once towards "any value": an equivocator's two votes are
/// both counted, each for its own value. Counting only its first vote would let it show different nodes different
/// quorums forever (one sees a proof-of-lock, another never does) and stall liveness; counting both is safe because
/// two quorums for different values overlap in more than a third of the power, so in some honest validator.
/// </summary>
internal sealed class RoundVotes
{
    /// <summary>
    /// Distinct values kept per validator: enough for the evidence pair and the paper's counting against a validator
    /// that splits the network between two values. Further values are ignored so memory stays bounded.
    /// </summary>
    public const int MaxValuesPerValidator = 2;

    private readonly Dictionary<Address, List<Vote>> _votes = [];
    private readonly Dictionary<Hash32, UInt128> _powerFor = [];
    private UInt128 _nilPower;

    /// <summary>Power of the validators that voted at all, each once.</summary>
    public UInt128 TotalPower { get; private set; }

    /// <summary>The first vote received from <paramref name="validator"/>, if any.</summary>
    public Vote? First(Address validator) => _votes.TryGetValue(validator, out var votes) ? votes[0] : null;

    public bool Contains(Vote vote) =>
        _votes.TryGetValue(vote.Validator, out var votes) && votes.Exists(v => v.BlockHash == vote.BlockHash && v.Signature == vote.Signature);

    public AddVoteResult Add(Vote vote, ulong power)
    {
        if (!_votes.TryGetValue(vote.Validator, out var votes))
        {
            _votes.Add(vote.Validator, [vote]);
            TotalPower += power;
            Count(vote.BlockHash, power);
            return AddVoteResult.Added;
        }
        if (votes.Exists(v => v.BlockHash == vote.BlockHash))
        {
            return AddVoteResult.Duplicate;
        }
        if (votes.Count >= MaxValuesPerValidator)
        {
            return AddVoteResult.TooManyConflicting;
        }
        votes.Add(vote);
        Count(vote.BlockHash, power);
        return AddVoteResult.Conflicting;
    }

    public UInt128 PowerFor(Hash32? value) => value is { } hash ? _powerFor.GetValueOrDefault(hash) : _nilPower;

    /// <summary>The precommits for <paramref name="value"/> as commit signatures: one per validator, sorted by address.</summary>
    public IReadOnlyList<CommitSignature> SignaturesFor(Hash32 value) =>
        _votes.Values.SelectMany(votes => votes).Where(v => v.BlockHash == value).OrderBy(v => v.Validator)
            .Select(v => new CommitSignature(v.Validator, v.Signature)).ToArray();

    private void Count(Hash32? value, ulong power)
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
