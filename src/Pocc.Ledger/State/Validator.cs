using System.Collections.Immutable;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;

namespace Pocc.Ledger.State;

/// <summary>A (height, round) at which a validator was punished for equivocating, so the same offence never slashes twice.</summary>
public readonly record struct EquivocationKey(ulong Height, uint Round) : IComparable<EquivocationKey>
{
    public int CompareTo(EquivocationKey other) => Height != other.Height ? Height.CompareTo(other.Height) : Round.CompareTo(other.Round);

    public static bool operator <(EquivocationKey a, EquivocationKey b) => a.CompareTo(b) < 0;
    public static bool operator >(EquivocationKey a, EquivocationKey b) => a.CompareTo(b) > 0;
    public static bool operator <=(EquivocationKey a, EquivocationKey b) => a.CompareTo(b) <= 0;
    public static bool operator >=(EquivocationKey a, EquivocationKey b) => a.CompareTo(b) >= 0;
}

/// <summary>
/// A member of the validator set. Its voting power follows from the bonded stake of its account and
/// <see cref="ComputeCredit"/> (see <see cref="Consensus.VotingPower"/>).
/// </summary>
/// <param name="PublicKey">The key that signs its votes.</param>
/// <param name="Jailed">Set by equivocation evidence; a jailed validator is not in the validator set.</param>
public sealed record Validator(PublicKey PublicKey, bool Jailed)
{
    public const byte Version = 3;

    /// <summary>Bounds the punishment record (entries older than the evidence age limit are pruned as new ones land).</summary>
    public const int MaxPunished = 64;

    /// <summary>Verified compute units of the validator's own worker in the last completed epoch: the compute part of its power this epoch.</summary>
    public ulong ComputeCredit { get; init; }

    /// <summary>The worker's cumulative verified compute units when the last epoch ended; the next epoch's credit is the growth from here.</summary>
    public ulong ComputeMark { get; init; }

    /// <summary>The (height, round) pairs for which evidence already slashed this validator, sorted, no repeats.</summary>
    public ImmutableArray<EquivocationKey> Punished { get; init; } = [];

    /// <summary>The block that last jailed it; an unjail is accepted <see cref="ChainParameters.JailBlocks"/> after it.</summary>
    public ulong JailedAt { get; init; }

    /// <summary>Left out of this epoch's committee by the beacon draw (see <see cref="Consensus.Committee"/>): bonded but not signing.</summary>
    public bool Benched { get; init; }

    public bool WasPunishedFor(EquivocationKey key) => Punished.BinarySearch(key) >= 0;

    public bool Equals(Validator? other) =>
        other is not null && PublicKey == other.PublicKey && Jailed == other.Jailed && ComputeCredit == other.ComputeCredit
        && ComputeMark == other.ComputeMark && Punished.SequenceEqual(other.Punished) && JailedAt == other.JailedAt && Benched == other.Benched;

    public override int GetHashCode() => HashCode.Combine(PublicKey, Jailed, ComputeCredit, ComputeMark, Punished.Length);

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(64 + Punished.Length * 12);
        writer.WriteU8(Version);
        writer.WriteFixed(PublicKey.Bytes);
        writer.WriteU64(ComputeCredit);
        writer.WriteU64(ComputeMark);
        writer.WriteLength(Punished.Length);
        foreach (var key in Punished)
        {
            writer.WriteU64(key.Height);
            writer.WriteU32(key.Round);
        }
        writer.WriteBool(Jailed);
        writer.WriteU64(JailedAt);
        writer.WriteBool(Benched);
        return writer.ToArray();
    }

    public static Validator Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "validator");
        var publicKey = new PublicKey(reader.ReadFixed(PublicKey.Size));
        ulong credit = reader.ReadU64();
        ulong mark = reader.ReadU64();
        int count = reader.ReadLength(MaxPunished);
        var punished = ImmutableArray.CreateBuilder<EquivocationKey>(count);
        for (int i = 0; i < count; i++)
        {
            var key = new EquivocationKey(reader.ReadU64(), reader.ReadU32());
            // Sorted without repeats: one encoding per record.
            if (i > 0 && key.CompareTo(punished[i - 1]) <= 0)
            {
                throw new CodecException(CodecException.NonCanonical, "validator punishment record out of order");
            }
            punished.Add(key);
        }
        var validator = new Validator(publicKey, reader.ReadBool())
        {
            ComputeCredit = credit,
            ComputeMark = mark,
            Punished = count == 0 ? [] : punished.MoveToImmutable(),
            JailedAt = reader.ReadU64(),
            Benched = reader.ReadBool(),
        };
        reader.EnsureEnd();
        return validator;
    }
}
