using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.State;

/// <summary>One validator with its voting power (see <see cref="Consensus.VotingPower"/>).</summary>
public sealed record ValidatorPower(Address Address, PublicKey PublicKey, ulong Power)
{
    /// <summary>Its share of proposals (see <see cref="Consensus.ProposerWeight"/>); at least 1.</summary>
    public ulong ProposerWeight { get; init; } = 1;
}

/// <summary>
/// The validators allowed to sign at a height: not jailed, not benched by the committee draw, with at least
/// <see cref="ChainParameters.MinimumValidatorStake"/> bonded; sorted by address. Each one's power is
/// <see cref="Consensus.VotingPower.Of(ChainParameters, ulong, ulong)"/> of its bonded stake and the compute credit the
/// last epoch boundary stored in its record, so every node derives the same set from the same state.
/// </summary>
public sealed class ValidatorSet
{
    private readonly Dictionary<Address, ValidatorPower> _byAddress;

    public ValidatorSet(IReadOnlyList<ValidatorPower> members)
    {
        Members = members;
        _byAddress = members.ToDictionary(m => m.Address);
        foreach (var member in members)
        {
            TotalPower = checked(TotalPower + member.Power);
        }
    }

    public IReadOnlyList<ValidatorPower> Members { get; }

    public ulong TotalPower { get; }

    public int Count => Members.Count;

    public bool Contains(Address address) => _byAddress.ContainsKey(address);

    public bool TryGet(Address address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ValidatorPower? member) =>
        _byAddress.TryGetValue(address, out member);

    public static ValidatorSet FromState(LedgerState state, ChainParameters parameters)
    {
        var members = new List<ValidatorPower>();
        foreach (var (address, validator) in state.Validators)
        {
            var bonded = state.GetAccount(address).Bonded;
            if (IsEligible(validator, bonded, parameters) && !validator.Benched)
            {
                members.Add(new ValidatorPower(address, validator.PublicKey, Consensus.VotingPower.Of(parameters, bonded.Value, validator.ComputeCredit))
                {
                    ProposerWeight = Consensus.ProposerWeight.Of(parameters, validator.ComputeCredit),
                });
            }
        }
        return new ValidatorSet(members);
    }

    public const byte Version = 1;

    /// <summary>Each member is a public key, a power and a proposer weight.</summary>
    public const int MaxEncodedSize = 1 + 4 + Commit.MaxSignatures * (PublicKey.Size + 8 + 8);

    /// <summary>
    /// The set as bytes (version, count, then each member's public key, power and proposer weight, in address order), so
    /// a node can keep the set that signed its head across a restart. Not part of any consensus object.
    /// </summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(MaxEncodedSize);
        writer.WriteU8(Version);
        writer.WriteLength(Members.Count);
        foreach (var member in Members)
        {
            writer.WriteFixed(member.PublicKey.Bytes);
            writer.WriteU64(member.Power);
            writer.WriteU64(member.ProposerWeight);
        }
        return writer.ToArray();
    }

    /// <exception cref="CodecException">Not an encoding <see cref="Encode"/> makes: a bad version, a truncated or oversized body, members out of address order.</exception>
    public static ValidatorSet Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxEncodedSize)
        {
            throw new CodecException(CodecException.TooLarge, $"validator set of {bytes.Length} bytes exceeds {MaxEncodedSize}");
        }
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "validator set");
        int count = reader.ReadLength(Commit.MaxSignatures);
        var members = new List<ValidatorPower>(count);
        for (int i = 0; i < count; i++)
        {
            var key = new PublicKey(reader.ReadFixed(PublicKey.Size));
            var member = new ValidatorPower(key.Address, key, reader.ReadU64()) { ProposerWeight = reader.ReadU64() };
            if (members.Count > 0 && member.Address.CompareTo(members[^1].Address) <= 0)
            {
                throw new CodecException(CodecException.InvalidValue, "validator set members must be sorted by address, each once");
            }
            members.Add(member);
        }
        reader.EnsureEnd();
        return new ValidatorSet(members);
    }

    /// <summary>Whether a validator may sit on the committee at all: unjailed and bonded at least the minimum.</summary>
    public static bool IsEligible(Validator validator, Amount bonded, ChainParameters parameters) =>
        !validator.Jailed && bonded >= parameters.MinimumValidatorStake;

    /// <summary>
    /// Checks that <paramref name="commit"/> finalizes <paramref name="blockHash"/> at <paramref name="height"/>:
    /// every signature is from a member and valid, and the signers hold more than two thirds of the power.
    /// </summary>
    public void VerifyCommit(ChainId chainId, Height height, Core.Hashing.Hash32 blockHash, Commit commit)
    {
        if (commit.Height != height || commit.BlockHash != blockHash)
        {
            throw new LedgerException(LedgerErrors.BlockBadCommit, $"commit is for height {commit.Height} block {commit.BlockHash}, expected height {height} block {blockHash}");
        }
        var message = Commit.SigningBytes(chainId, height, commit.Round, commit.BlockHash);
        UInt128 signedPower = 0;
        Core.Addressing.Address? previous = null;
        foreach (var signature in commit.Signatures)
        {
            // One canonical order, each validator once: a repeated signature must not count its power twice,
            // and an unsorted commit would be stored in a form that no decoder accepts.
            if (previous is { } last && signature.Validator.CompareTo(last) <= 0)
            {
                throw new LedgerException(LedgerErrors.BlockBadCommit, "commit signatures must be sorted by validator address, each validator once");
            }
            previous = signature.Validator;
            if (!_byAddress.TryGetValue(signature.Validator, out var member))
            {
                throw new LedgerException(LedgerErrors.BlockBadCommit, $"commit is signed by {signature.Validator}, which is not in the validator set");
            }
            if (!Ed25519.Verify(member.PublicKey, message, signature.Signature))
            {
                throw new LedgerException(LedgerErrors.BlockBadCommit, $"commit signature of {signature.Validator} is invalid");
            }
            signedPower += member.Power;
        }
        if (signedPower * 3 <= (UInt128)TotalPower * 2)
        {
            throw new LedgerException(LedgerErrors.BlockBadCommit, $"commit carries {signedPower} of {TotalPower} voting power; more than two thirds is needed");
        }
    }
}
