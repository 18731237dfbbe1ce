using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Pocc.Core.Numerics;

/// <summary>
/// Deterministic numbers from the BLAKE3 extendable output of (context, material): the same inputs give the same
/// sequence on every machine. Used for seeded test matrices and for challenge vectors that nobody can steer.
/// </summary>
/// <remarks>
/// The context string goes through BLAKE3's derive-key mode, so streams for different purposes never coincide
/// even when their material does. Output is read in little-endian 8-byte words from offset 0 upwards.
/// </remarks>
public sealed class XofSampler : IDisposable
{
    private const int BufferBytes = 8192;
    private const ulong Mantissa53 = 1UL << 53;

    private readonly Blake3.Hasher _hasher;
    private readonly byte[] _buffer = new byte[BufferBytes];
    private ulong _offset;
    private int _position = BufferBytes;

    public XofSampler(string context, ReadOnlySpan<byte> material)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        _hasher = Blake3.Hasher.NewDeriveKey(context);
        _hasher.Update(material);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    public ulong NextUInt64()
    {
        if (_position == BufferBytes)
        {
            Refill();
        }
        ulong word = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_position));
        _position += 8;
        return word;
    }

    /// <summary>A uniform element of F_p: the low 61 bits of the next word, skipping the single value p (probability 2^-61).</summary>
    public ulong NextMod61()
    {
        while (true)
        {
            ulong candidate = NextUInt64() & Mod61.P;
            if (candidate != Mod61.P)
            {
                return candidate;
            }
        }
    }

    /// <summary>A uniform double in [-1, 1) on the grid of multiples of 2^-52 (53 random bits).</summary>
    public double NextSignedUnit() => ToSignedUnit(NextUInt64());

    /// <summary>Fills <paramref name="destination"/> with uniform elements of F_p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillMod61(Span<ulong> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextMod61();
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform doubles in [-1, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillSignedUnit(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextSignedUnit();
        }
    }

    /// <summary>Fills <paramref name="destination"/> with independent fair bits, 64 per word: entry i is bit (i mod 64) of word i/64.</summary>
    public void FillBits(Span<bool> destination)
    {
        ulong word = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            if ((i & 63) == 0)
            {
                word = NextUInt64();
            }
            destination[i] = ((word >> (i & 63)) & 1) != 0;
        }
    }

    public void Dispose() => _hasher.Dispose();

    private static double ToSignedUnit(ulong word)
    {
        // (word >> 11) is uniform in [0, 2^53); scaled by 2^-52 it lies in [0, 2) on a 2^-52 grid, and subtracting 1
        // is exact, giving [-1, 1).
        return (word >> 11) * (2.0 / Mantissa53) - 1.0;
    }

    private void Refill()
    {
        _hasher.Finalize(_offset, _buffer);
        _offset += BufferBytes;
        _position = 0;
    }
}
