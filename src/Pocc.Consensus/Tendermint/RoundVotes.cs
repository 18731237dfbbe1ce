using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;

namespace Pocc.Consensus.Tendermint;

/// <summary>The outcome of adding a vote to a <see cref="RoundVotes"/>.</summary>
internal enum AddVoteResult
{
    Added,
    Duplicate,
    Conflicting,
}

/// <summary>
/// The votes of one type in one round of one height, at most one per validator, with the voting power behind each
/// value. A second, different vote from a validator is evidence and never counted: power is counted once per validator.
/// </summary>
internal sealed class RoundVotes
{
    private readonly Dictionary<Address, Vote> _votes = [];
    private readonly Dictionary<Hash32, UInt128> _powerFor = [];
    private readonly HashSet<Address> _equivocators = [];
    private UInt128 _nilPower;

    public UInt128 TotalPower { get; private set; }

    public Vote? Get(Address validator) => _votes.GetValueOrDefault(validator);

    public AddVoteResult Add(Vote vote, ulong power)
    {
        if (_votes.TryGetValue(vote.Validator, out var existing))
        {
            return existing.BlockHash == vote.BlockHash ? AddVoteResult.Duplicate : AddVoteResult.Conflicting;
        }
        _votes.Add(vote.Validator, vote);
        TotalPower += power;
        if (vote.BlockHash is { } value)
        {
            _powerFor[value] = _powerFor.GetValueOrDefault(value) + power;
        }
        else
        {
            _nilPower += power;
        }
        return AddVoteResult.Added;
    }

    /// <summary>Marks the validator as caught equivocating here; true the first time, so evidence is reported once.</summary>
    public bool MarkEquivocator(Address validator) => _equivocators.Add(validator);

    public UInt128 PowerFor(Hash32? value) => value is { } hash ? _powerFor.GetValueOrDefault(hash) : _nilPower;

    /// <summary>The value (not nil) that more than two thirds of <paramref name="totalPower"/> voted for, if any.</summary>
    public Hash32? QuorumValue(ulong totalPower)
    {
        foreach (var (value, power) in _powerFor)
        {
            if (Quorum.IsSuper(power, totalPower))
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>The precommits for <paramref name="value"/> as a <see cref="Commit"/>: one signature per validator, sorted by address.</summary>
    public IReadOnlyList<CommitSignature> SignaturesFor(Hash32 value) =>
        _votes.Values.Where(v => v.BlockHash == value).OrderBy(v => v.Validator)
            .Select(v => new CommitSignature(v.Validator, v.Signature)).ToArray();
}

/// <summary>The two thresholds of weighted BFT, in exact integer arithmetic.</summary>
public static class Quorum
{
    /// <summary>More than two thirds of the total power: enough that any two such sets share an honest validator.</summary>
    public static bool IsSuper(UInt128 power, ulong totalPower) => power * 3 > (UInt128)totalPower * 2;

    /// <summary>More than one third (the paper's f + 1): at least one honest validator is among them.</summary>
    public static bool IsOneThird(UInt128 power, ulong totalPower) => power * 3 > totalPower;
}
