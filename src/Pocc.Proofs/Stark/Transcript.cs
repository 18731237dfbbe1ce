using System.Buffers.Binary;
using System.Text;
using Pocc.Core.Hashing;

namespace Pocc.Proofs.Stark;

/// <summary>
/// The Fiat–Shamir transcript that turns the interactive STARK into a proof: prover and verifier absorb the same
/// messages in the same order and draw the same challenges from a 32-byte BLAKE3 state that chains through all of them.
/// </summary>
/// <remarks>
/// Every operation replaces the state by BLAKE3(op ‖ state ‖ len(label) ‖ label ‖ len(data) ‖ data), with a distinct
/// op byte per kind of message and lengths that make the framing unambiguous, so a challenge depends on every byte
/// and label absorbed before it. A draw is itself such an operation (with its parameters as data) before it reads its
/// output, so two draws in a row differ. Output words are BLAKE3(squeeze ‖ state ‖ counter) in counter mode, as many as
/// rejection sampling needs.
/// </remarks>
public sealed class Transcript
{
    private const byte InitOp = 0x00;
    private const byte BytesOp = 0x01;
    private const byte RootOp = 0x02;
    private const byte BaseOp = 0x03;
    private const byte ExtOp = 0x04;
    private const byte DrawBaseOp = 0x10;
    private const byte DrawExtOp = 0x11;
    private const byte DrawQueriesOp = 0x12;
    private const byte NonceOp = 0x13;
    private const byte SqueezeTag = 0x20;
    private const byte GrindTag = 0x21;

    // Enough nonces per grinding round that splitting it across cores costs little next to the hashing.
    private const ulong GrindRound = 1 << 14;

    // Field values are encoded through this much stack at a time.
    private const int ChunkBytes = 512;

    private Hash32 _state;
    private ulong _counter;
    private readonly byte[] _block = new byte[Hash32.Size];
    private int _blockOffset;

    /// <summary>A transcript whose every challenge is bound to <paramref name="domain"/> (protocol, version, statement kind).</summary>
    public Transcript(string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        Ratchet(InitOp, domain, []);
    }

    /// <summary>Absorbs a labelled message.</summary>
    public void Absorb(string label, ReadOnlySpan<byte> data) => Ratchet(BytesOp, label, data);

    /// <summary>Absorbs a commitment: do this before drawing any challenge that the committed data must not know.</summary>
    public void AbsorbRoot(string label, Hash32 root)
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        root.CopyTo(bytes);
        Ratchet(RootOp, label, bytes);
    }

    /// <summary>Absorbs base-field values in their canonical encoding.</summary>
    public void AbsorbField(string label, ReadOnlySpan<Goldilocks> values)
    {
        using var hasher = Begin(BaseOp, label, (ulong)values.Length * Goldilocks.EncodedLength);
        Span<byte> chunk = stackalloc byte[ChunkBytes];
        const int PerChunk = ChunkBytes / Goldilocks.EncodedLength;
        for (int start = 0; start < values.Length; start += PerChunk)
        {
            int n = Math.Min(PerChunk, values.Length - start);
            for (int i = 0; i < n; i++)
            {
                values[start + i].WriteTo(chunk[(i * Goldilocks.EncodedLength)..]);
            }
            hasher.Update(chunk[..(n * Goldilocks.EncodedLength)]);
        }
        Finish(hasher);
    }

    /// <summary>Absorbs extension-field values in their canonical encoding.</summary>
    public void AbsorbField(string label, ReadOnlySpan<GoldilocksExt2> values)
    {
        using var hasher = Begin(ExtOp, label, (ulong)values.Length * GoldilocksExt2.EncodedLength);
        Span<byte> chunk = stackalloc byte[ChunkBytes];
        const int PerChunk = ChunkBytes / GoldilocksExt2.EncodedLength;
        for (int start = 0; start < values.Length; start += PerChunk)
        {
            int n = Math.Min(PerChunk, values.Length - start);
            for (int i = 0; i < n; i++)
            {
                values[start + i].WriteTo(chunk[(i * GoldilocksExt2.EncodedLength)..]);
            }
            hasher.Update(chunk[..(n * GoldilocksExt2.EncodedLength)]);
        }
        Finish(hasher);
    }

    /// <summary>A uniform base-field challenge: 64-bit words ≥ p are rejected, not reduced, so there is no bias.</summary>
    public Goldilocks DrawField(string label)
    {
        Ratchet(DrawBaseOp, label, []);
        return NextElement();
    }

    /// <summary>A uniform extension-field challenge (two independent uniform coefficients).</summary>
    public GoldilocksExt2 DrawExtField(string label)
    {
        Ratchet(DrawExtOp, label, []);
        Goldilocks c0 = NextElement();
        return new GoldilocksExt2(c0, NextElement());
    }

    /// <summary>
    /// <paramref name="count"/> distinct uniform indices in [0, 2^<paramref name="logDomain"/>), sorted: repeats are
    /// redrawn, so the set is uniform among sets of that size. Sorted is the order a multi-proof opens them in.
    /// </summary>
    public int[] DrawQueries(string label, int count, int logDomain)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logDomain);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(logDomain, 30);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1 << logDomain);
        Span<byte> parameters = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(parameters, count);
        BinaryPrimitives.WriteInt32LittleEndian(parameters[4..], logDomain);
        Ratchet(DrawQueriesOp, label, parameters);

        ulong mask = (1UL << logDomain) - 1;
        var seen = new HashSet<int>(count);
        var indices = new int[count];
        int found = 0;
        while (found < count)
        {
            int index = (int)(NextWord() & mask);
            if (seen.Add(index))
            {
                indices[found++] = index;
            }
        }
        Array.Sort(indices);
        return indices;
    }

    /// <summary>
    /// Proof of work: the first nonce for which BLAKE3(grind ‖ state ‖ nonce) starts with <paramref name="bits"/> zero
    /// bits, absorbed before it is returned. Each bit doubles what a cheating prover pays per retry of the transcript.
    /// </summary>
    public ulong Grind(int bits)
    {
        CheckBits(bits);
        byte[] prefix = new byte[1 + Hash32.Size + 8];
        WriteGrindPrefix(prefix);
        // Rounds of GrindRound nonces, split across the cores; the smallest hit of the first round that has one is the
        // answer, so the nonce (and the proof) is the same however many cores searched.
        int workers = Environment.ProcessorCount;
        for (ulong start = 0; ; start += GrindRound)
        {
            ulong best = ulong.MaxValue;
            Parallel.For(0, workers, () => ulong.MaxValue, (worker, _, found) =>
            {
                Span<byte> input = stackalloc byte[prefix.Length];
                prefix.CopyTo(input);
                ulong from = start + GrindRound / (ulong)workers * (ulong)worker;
                ulong to = worker == workers - 1 ? start + GrindRound : from + GrindRound / (ulong)workers;
                for (ulong nonce = from; nonce < to && nonce < found; nonce++)
                {
                    if (MeetsTarget(input, nonce, bits))
                    {
                        return nonce;
                    }
                }
                return found;
            }, found => InterlockedMin(ref best, found));
            if (best != ulong.MaxValue)
            {
                AbsorbNonce(bits, best);
                return best;
            }
        }
    }

    private static void InterlockedMin(ref ulong target, ulong value)
    {
        ulong current = Volatile.Read(ref target);
        while (value < current)
        {
            ulong seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    /// <summary>True (and the nonce absorbed) if <paramref name="nonce"/> meets <paramref name="bits"/> at this state; false leaves the state as it was.</summary>
    public bool VerifyGrind(int bits, ulong nonce)
    {
        CheckBits(bits);
        Span<byte> input = stackalloc byte[1 + Hash32.Size + 8];
        WriteGrindPrefix(input);
        if (!MeetsTarget(input, nonce, bits))
        {
            return false;
        }
        AbsorbNonce(bits, nonce);
        return true;
    }

    private static void CheckBits(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
    }

    private void WriteGrindPrefix(Span<byte> input)
    {
        input[0] = GrindTag;
        _state.CopyTo(input[1..]);
    }

    private static bool MeetsTarget(Span<byte> input, ulong nonce, int bits)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(input[(1 + Hash32.Size)..], nonce);
        Span<byte> digest = stackalloc byte[Hash32.Size];
        Blake3.Hasher.Hash(input, digest);
        return ulong.LeadingZeroCount(BinaryPrimitives.ReadUInt64BigEndian(digest)) >= (ulong)bits;
    }

    private void AbsorbNonce(int bits, ulong nonce)
    {
        Span<byte> data = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, bits);
        BinaryPrimitives.WriteUInt64LittleEndian(data[4..], nonce);
        Ratchet(NonceOp, "grind", data);
    }

    private Goldilocks NextElement()
    {
        while (true)
        {
            if (Goldilocks.TryFromCanonical(NextWord(), out Goldilocks element))
            {
                return element;
            }
        }
    }

    private ulong NextWord()
    {
        if (_blockOffset == Hash32.Size)
        {
            Span<byte> input = stackalloc byte[1 + Hash32.Size + 8];
            input[0] = SqueezeTag;
            _state.CopyTo(input[1..]);
            BinaryPrimitives.WriteUInt64LittleEndian(input[(1 + Hash32.Size)..], _counter++);
            Blake3.Hasher.Hash(input, _block);
            _blockOffset = 0;
        }
        ulong word = BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(_blockOffset));
        _blockOffset += 8;
        return word;
    }

    private void Ratchet(byte op, string label, ReadOnlySpan<byte> data)
    {
        using var hasher = Begin(op, label, (ulong)data.Length);
        hasher.Update(data);
        Finish(hasher);
    }

    private Blake3.Hasher Begin(byte op, string label, ulong dataLength)
    {
        ArgumentNullException.ThrowIfNull(label);
        int labelLength = Encoding.UTF8.GetByteCount(label);
        Span<byte> header = stackalloc byte[1 + Hash32.Size + 4];
        header[0] = op;
        _state.CopyTo(header[1..]);
        BinaryPrimitives.WriteInt32LittleEndian(header[(1 + Hash32.Size)..], labelLength);
        var hasher = Blake3.Hasher.New();
        hasher.Update(header);
        hasher.Update(Encoding.UTF8.GetBytes(label));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, dataLength);
        hasher.Update(length);
        return hasher;
    }

    // A new state starts a new output stream.
    private void Finish(Blake3.Hasher hasher)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        hasher.Finalize(digest);
        _state = new Hash32(digest);
        _counter = 0;
        _blockOffset = Hash32.Size;
    }
}
