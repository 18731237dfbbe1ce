using System.Buffers.Binary;
using Pocc.Core.Hashing;
using Pocc.Core.Numerics;

namespace Pocc.Proofs.Freivalds;

/// <summary>
/// Challenge vectors derived from a seed that the worker could not know when it committed its result.
/// Round t's vector is read from the BLAKE3 XOF of derive-key context <see cref="DomainTag"/> over
/// seed ‖ u8 challenge kind ‖ u32 round (little-endian); uniform F_p entries take one 8-byte word each (low 61 bits,
/// skipping p), {0,1} and ±1 entries one bit each (64 per word, least significant first).
/// </summary>
public static class FreivaldsChallenges
{
    /// <summary>The derive-key context of challenge vectors; a new version of the derivation gets a new tag.</summary>
    public const string DomainTag = "pocc/freivalds/v1";

    /// <summary>The derive-key context of <see cref="DeriveSeed"/>.</summary>
    public const string SeedTag = "pocc/freivalds/seed/v1";

    /// <summary>
    /// A challenge seed from randomness fixed after the result was committed (e.g. the hash of a later block) and
    /// the task's id: BLAKE3 derive-key(<see cref="SeedTag"/>) over randomness ‖ task id.
    /// </summary>
    public static Hash32 DeriveSeed(Hash32 randomness, ReadOnlySpan<byte> taskId)
    {
        using var hasher = Blake3.Hasher.NewDeriveKey(SeedTag);
        Span<byte> buffer = stackalloc byte[Hash32.Size];
        randomness.CopyTo(buffer);
        hasher.Update(buffer);
        hasher.Update(taskId);
        hasher.Finalize(buffer);
        return new Hash32(buffer);
    }

    /// <summary>Round <paramref name="round"/>'s challenge as field elements (Sign gives 1 and p − 1).</summary>
    public static void DeriveMod61(Hash32 seed, FreivaldsChallenge kind, int round, Span<ulong> destination)
    {
        using var sampler = Open(seed, kind, round);
        ulong bits = 0;
        switch (kind)
        {
            case FreivaldsChallenge.UniformField:
                sampler.FillMod61(destination);
                break;
            case FreivaldsChallenge.Binary:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = NextBit(sampler, i, ref bits) ? 1UL : 0UL;
                }
                break;
            case FreivaldsChallenge.Sign:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = NextBit(sampler, i, ref bits) ? Mod61.P - 1 : 1UL;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown challenge kind");
        }
    }

    /// <summary>Round <paramref name="round"/>'s challenge as doubles (±1 or 0/1); uniform field entries have no Float64 form.</summary>
    public static void DeriveFloat64(Hash32 seed, FreivaldsChallenge kind, int round, Span<double> destination)
    {
        if (kind is not (FreivaldsChallenge.Binary or FreivaldsChallenge.Sign))
        {
            throw new ArgumentException($"{kind} challenges are not defined for f64 matrices; use Sign or Binary", nameof(kind));
        }
        using var sampler = Open(seed, kind, round);
        ulong bits = 0;
        switch (kind)
        {
            case FreivaldsChallenge.Binary:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = NextBit(sampler, i, ref bits) ? 1.0 : 0.0;
                }
                break;
            case FreivaldsChallenge.Sign:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = NextBit(sampler, i, ref bits) ? -1.0 : 1.0;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown challenge kind");
        }
    }

    private static XofSampler Open(Hash32 seed, FreivaldsChallenge kind, int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(round);
        Span<byte> material = stackalloc byte[Hash32.Size + 1 + 4];
        seed.CopyTo(material);
        material[Hash32.Size] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(material[(Hash32.Size + 1)..], (uint)round);
        return new XofSampler(DomainTag, material);
    }

    // Bit i of the stream: bit (i mod 64) of word i/64, least significant first.
    private static bool NextBit(XofSampler sampler, int index, ref ulong word)
    {
        if ((index & 63) == 0)
        {
            word = sampler.NextUInt64();
        }
        return ((word >> (index & 63)) & 1) != 0;
    }
}
