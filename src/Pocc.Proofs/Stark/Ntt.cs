using System.Numerics;

namespace Pocc.Proofs.Stark;

/// <summary>
/// Radix-2 number-theoretic transforms over the Goldilocks field: polynomial coefficients ↔ evaluations on the
/// subgroup ⟨ω_n⟩ (natural order, value i at ω_n^i), and the coset low-degree extension a STARK commits to.
/// </summary>
/// <remarks>
/// Iterative Cooley–Tukey, decimation in time: a bit-reversal permutation (in cache-sized tiles), then log n butterfly
/// layers on the vector kernel (<see cref="GoldilocksVector"/>). The first layers run inside blocks that fit in L1, one
/// block at a time; each later layer is one pass over the whole span.
/// Large transforms split blocks and butterfly ranges across cores; every butterfly does the same arithmetic on either
/// path, so the parallel result is identical to the sequential one.
/// </remarks>
public static class Ntt
{
    /// <summary>The largest supported log2 of a transform length (a span holds fewer than 2^31 elements).</summary>
    public const int MaxLogSize = 30;

    // 2^11 elements = 16 KiB: a block and its twiddles stay in L1 through all the layers inside it.
    private const int BlockLog = 11;
    private const int BlockSize = 1 << BlockLog;

    // Bit reversal in 2^5 × 2^5 tiles from 2^12 elements (at least two middle bits) up; several tiles per task.
    private const int TileLog = 5;
    private const int TiledBitReverseLog = 2 * TileLog + 2;
    private const int TilesPerTask = 16;

    // Groups of half-size below this go through scalar loops rather than the vector kernel: one AVX-512 vector.
    private const int SmallGroup = 8;

    // Below this, splitting across threads costs more than the transform.
    private const int ParallelThreshold = 1 << 14;

    private delegate void Step(Span<Goldilocks> values, int index);

    /// <summary>Coefficients → evaluations at ω_n^0, …, ω_n^(n−1), in place; n must be a power of two.</summary>
    public static void Forward(Span<Goldilocks> values) => Transform(values, inverse: false, parallel: true);

    /// <summary>Evaluations at ω_n^0, …, ω_n^(n−1) → coefficients, in place; n must be a power of two.</summary>
    public static void Inverse(Span<Goldilocks> values) => Transform(values, inverse: true, parallel: true);

    /// <summary><see cref="Forward(Span{Goldilocks})"/> with the parallel path allowed or not, to compare them.</summary>
    internal static void Forward(Span<Goldilocks> values, bool parallel) => Transform(values, inverse: false, parallel);

    /// <summary><see cref="Inverse(Span{Goldilocks})"/> with the parallel path allowed or not, to compare them.</summary>
    internal static void Inverse(Span<Goldilocks> values, bool parallel) => Transform(values, inverse: true, parallel);

    /// <summary>The coefficients of the polynomial of degree &lt; n taking these values on ⟨ω_n⟩.</summary>
    public static Goldilocks[] Interpolate(ReadOnlySpan<Goldilocks> evaluations)
    {
        Goldilocks[] coefficients = evaluations.ToArray();
        Inverse(coefficients);
        return coefficients;
    }

    /// <summary>The values of the polynomial with these n coefficients on ⟨ω_n⟩.</summary>
    public static Goldilocks[] Evaluate(ReadOnlySpan<Goldilocks> coefficients)
    {
        Goldilocks[] evaluations = coefficients.ToArray();
        Forward(evaluations);
        return evaluations;
    }

    /// <summary>
    /// The values of the polynomial with these coefficients at shift·ω_N^i for i &lt; N = <paramref name="domainSize"/>,
    /// a power of two no smaller than the number of coefficients.
    /// </summary>
    public static Goldilocks[] EvaluateOnCoset(ReadOnlySpan<Goldilocks> coefficients, int domainSize, Goldilocks shift)
    {
        CheckLength(domainSize, nameof(domainSize));
        if (coefficients.Length > domainSize)
        {
            throw new ArgumentException($"{coefficients.Length} coefficients do not fit a domain of {domainSize}", nameof(coefficients));
        }
        int n = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(coefficients.Length, 1));
        var values = new Goldilocks[domainSize];
        if (n < domainSize && n >= BlockSize && domainSize >= ParallelThreshold)
        {
            EvaluateOnCosets([[coefficients.ToArray()]], domainSize, shift, (_, size, results) => Interleave(results[0], size, values));
            return values;
        }
        // p(shift·x) has coefficients c_i·shift^i, so evaluating that on the subgroup evaluates p on the coset.
        Goldilocks power = Goldilocks.One;
        for (int i = 0; i < coefficients.Length; i++)
        {
            values[i] = coefficients[i] * power;
            power *= shift;
        }
        Forward(values);
        return values;
    }

    /// <summary>
    /// Receives the values of group <paramref name="group"/>'s polynomials, coset-major: values[p][r·n + m] is polynomial
    /// p's value at shift·ω_N^(r + (N/n)·m), for the coset r of ⟨ω_n⟩ and m &lt; n.
    /// </summary>
    internal delegate void CosetValues(int group, int n, Goldilocks[][] values);

    /// <summary>
    /// Evaluates polynomials of up to n coefficients each (n the power of two fitting the longest) on shift·⟨ω_N⟩,
    /// N = <paramref name="domainSize"/>, one coset of ⟨ω_n⟩ at a time: the points shift·ω_N^(r + (N/n)·m), m &lt; n,
    /// are shift·ω_N^r·ω_n^m, so coset r is a transform of size n of the coefficients times (shift·ω_N^r)^i.
    /// </summary>
    /// <remarks>
    /// N/n transforms of size n instead of one of size N: log n layers instead of log N, each transform small enough to
    /// stay in cache, and the groups spread over the cores without the synchronisation of a parallel transform. The
    /// values are exact, so they are those of the single large transform. Each group's values go to
    /// <paramref name="write"/> coset-major; <see cref="Interleave"/> puts them in natural order.
    /// </remarks>
    internal static void EvaluateOnCosets(Goldilocks[][][] groups, int domainSize, Goldilocks shift, CosetValues write)
    {
        int logDomain = CheckLength(domainSize, nameof(domainSize));
        int longest = groups.SelectMany(g => g).Max(p => p.Length);
        int n = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(longest, 1));
        if (n > domainSize)
        {
            throw new ArgumentException($"{longest} coefficients do not fit a domain of {domainSize}", nameof(groups));
        }
        int cosets = domainSize / n;
        Goldilocks root = Goldilocks.RootOfUnity(logDomain);
        var factors = new Goldilocks[cosets];
        for (int r = 0; r < cosets; r++)
        {
            factors[r] = shift * root.Pow((ulong)r);
        }
        // Groups in parallel when there are enough of them for the cores, else each transform in parallel.
        bool acrossGroups = domainSize >= ParallelThreshold && groups.Length >= Environment.ProcessorCount && Environment.ProcessorCount > 1;
        void Evaluate(int g, Goldilocks[][] scratch)
        {
            Goldilocks[][] group = groups[g];
            for (int p = 0; p < group.Length; p++)
            {
                Goldilocks[] coefficients = group[p];
                for (int r = 0; r < cosets; r++)
                {
                    Span<Goldilocks> values = scratch[p].AsSpan(r * n, n);
                    Goldilocks factor = factors[r];
                    Goldilocks power = Goldilocks.One;
                    for (int i = 0; i < coefficients.Length; i++)
                    {
                        values[i] = coefficients[i] * power;
                        power *= factor;
                    }
                    values[coefficients.Length..].Clear();
                    Transform(values, inverse: false, parallel: !acrossGroups);
                }
            }
            write(g, n, scratch[..group.Length]);
        }
        int width = groups.Max(g => g.Length);
        Goldilocks[][] NewScratch() => [.. Enumerable.Range(0, width).Select(_ => new Goldilocks[domainSize])];
        if (!acrossGroups)
        {
            Goldilocks[][] scratch = NewScratch();
            for (int g = 0; g < groups.Length; g++)
            {
                Evaluate(g, scratch);
            }
            return;
        }
        Parallel.For(0, groups.Length, NewScratch, (g, _, scratch) =>
        {
            Evaluate(g, scratch);
            return scratch;
        }, _ => { });
    }

    // Tiles of this many values per coset: the destination tile (cosets × this many values) stays in L1.
    internal const int InterleaveTile = 256;

    /// <summary>
    /// destination[r + cosets·m] = values[r·n + m]: <see cref="EvaluateOnCosets"/>'s coset-major layout in natural
    /// order, a tile at a time so each destination line is written once rather than once per coset.
    /// </summary>
    internal static void Interleave(ReadOnlySpan<Goldilocks> values, int n, Span<Goldilocks> destination)
    {
        int cosets = values.Length / n;
        for (int m0 = 0; m0 < n; m0 += InterleaveTile)
        {
            int mEnd = Math.Min(n, m0 + InterleaveTile);
            for (int r = 0; r < cosets; r++)
            {
                ReadOnlySpan<Goldilocks> source = values.Slice(r * n, n);
                for (int m = m0; m < mEnd; m++)
                {
                    destination[m * cosets + r] = source[m];
                }
            }
        }
    }

    /// <summary>
    /// From the values of a polynomial of degree &lt; n on ⟨ω_n⟩, its values on the coset shift·⟨ω_{n·blowup}⟩
    /// (value i at shift·ω_{n·blowup}^i); <paramref name="blowup"/> must be a power of two.
    /// </summary>
    public static Goldilocks[] CosetLowDegreeExtension(ReadOnlySpan<Goldilocks> evaluations, int blowup, Goldilocks shift)
    {
        CheckLength(evaluations.Length, nameof(evaluations));
        if (blowup < 1 || !BitOperations.IsPow2(blowup) || (long)evaluations.Length * blowup > 1L << MaxLogSize)
        {
            throw new ArgumentOutOfRangeException(nameof(blowup), blowup, $"must be a power of two with n·blowup ≤ 2^{MaxLogSize}");
        }
        return EvaluateOnCoset(Interpolate(evaluations), evaluations.Length * blowup, shift);
    }

    private static void Transform(Span<Goldilocks> values, bool inverse, bool parallel)
    {
        int n = values.Length;
        int logN = CheckLength(n, nameof(values));
        if (n == 1)
        {
            return;
        }
        Goldilocks[] twiddles = TwiddleTable.For(logN, inverse);
        parallel &= n >= ParallelThreshold && Environment.ProcessorCount > 1;

        if (logN < TiledBitReverseLog)
        {
            BitReverse(values, logN);
        }
        else
        {
            int middles = 1 << (logN - 2 * TileLog);
            int perTask = Math.Min(middles, TilesPerTask);
            Run(values, middles / perTask, parallel, (a, task) => BitReverseTiles(a, logN, task * perTask, perTask));
        }

        int block = Math.Min(n, BlockSize);
        Run(values, n / block, parallel, (a, task) => BlockLayers(a.Slice(task * block, block), twiddles));

        for (int half = block; half < n; half *= 2)
        {
            int m = half;
            int taskSize = Math.Min(m, BlockSize);
            Run(values, n / 2 / taskSize, parallel, (a, task) => Butterflies(a, twiddles, m, task * taskSize, taskSize));
        }

        if (inverse)
        {
            Goldilocks nInverse = Goldilocks.FromCanonical((ulong)n).Inverse();
            int chunk = Math.Min(n, BlockSize);
            Run(values, n / chunk, parallel, (a, task) => Scale(a.Slice(task * chunk, chunk), nInverse));
        }
    }

    // The same steps run in a loop or on the thread pool; the pinned span crosses threads as an address.
    private static unsafe void Run(Span<Goldilocks> values, int tasks, bool parallel, Step step)
    {
        if (!parallel || tasks == 1)
        {
            for (int i = 0; i < tasks; i++)
            {
                step(values, i);
            }
            return;
        }
        fixed (Goldilocks* pointer = values)
        {
            nint address = (nint)pointer;
            int length = values.Length;
            Parallel.For(0, tasks, i => step(new Span<Goldilocks>((void*)address, length), i));
        }
    }

    // Swaps each pair (i, rev(i)) once, from its smaller index.
    private static void BitReverse(Span<Goldilocks> a, int logN)
    {
        int shift = 32 - logN;
        for (int i = 0; i < a.Length; i++)
        {
            int r = (int)(ReverseBits((uint)i) >> shift);
            if (i < r)
            {
                (a[i], a[r]) = (a[r], a[i]);
            }
        }
    }

    // The same permutation in cache-sized tiles. Split i into (top, middle, low) with 5-bit top and low: rev(i) is
    // (rev low, rev middle, rev top), so the 32 × 32 elements with middle m swap with those with middle rev(m), a
    // transpose between two tiles whose 64 rows of 32 elements stay in L1, instead of 2^logN scattered misses. The
    // pair of tiles belongs to the smaller middle, so tasks over disjoint ranges of middles never meet.
    private static void BitReverseTiles(Span<Goldilocks> a, int logN, int firstMiddle, int count)
    {
        int middleBits = logN - 2 * TileLog;
        int topShift = logN - TileLog;
        for (int m = firstMiddle; m < firstMiddle + count; m++)
        {
            int mr = (int)(ReverseBits((uint)m) >> (32 - middleBits));
            if (mr < m)
            {
                continue;
            }
            for (int top = 0; top < 1 << TileLog; top++)
            {
                int rowFrom = (top << topShift) | (m << TileLog);
                int columnTo = (int)(ReverseBits((uint)top) >> (32 - TileLog));
                for (int low = 0; low < 1 << TileLog; low++)
                {
                    int i = rowFrom | low;
                    int j = ((int)(ReverseBits((uint)low) >> (32 - TileLog)) << topShift) | (mr << TileLog) | columnTo;
                    if (m != mr || i < j)
                    {
                        (a[i], a[j]) = (a[j], a[i]);
                    }
                }
            }
        }
    }

    private static void BlockLayers(Span<Goldilocks> block, Goldilocks[] twiddles)
    {
        // Groups narrower than a vector are done in place here: a kernel call per group of one to four butterflies
        // would cost more than the butterflies, and the first layer's twiddle is 1, so it needs no multiplication.
        for (int k = 0; k + 1 < block.Length; k += 2)
        {
            Goldilocks u = block[k], v = block[k + 1];
            block[k] = u + v;
            block[k + 1] = u - v;
        }
        int m = 2;
        for (; m < Math.Min(block.Length, SmallGroup); m *= 2)
        {
            ReadOnlySpan<Goldilocks> w = twiddles.AsSpan(m, m);
            for (int k = 0; k < block.Length; k += 2 * m)
            {
                for (int j = 0; j < m; j++)
                {
                    Goldilocks u = block[k + j];
                    Goldilocks v = block[k + j + m] * w[j];
                    block[k + j] = u + v;
                    block[k + j + m] = u - v;
                }
            }
        }
        for (; m < block.Length; m *= 2)
        {
            for (int k = 0; k < block.Length; k += 2 * m)
            {
                Butterfly(block.Slice(k, m), block.Slice(k + m, m), twiddles.AsSpan(m, m));
            }
        }
    }

    // Butterflies [first, first + count) of the layer with half-size m; count divides m, so they share one group.
    private static void Butterflies(Span<Goldilocks> a, Goldilocks[] twiddles, int m, int first, int count)
    {
        int group = first / m;
        int j = first % m;
        int k = group * 2 * m + j;
        Butterfly(a.Slice(k, count), a.Slice(k + m, count), twiddles.AsSpan(m + j, count));
    }

    private static void Butterfly(Span<Goldilocks> low, Span<Goldilocks> high, ReadOnlySpan<Goldilocks> w) =>
        GoldilocksVector.Butterflies(low, high, w, GoldilocksVector.Best);

    private static void Scale(Span<Goldilocks> a, Goldilocks factor)
    {
        for (int i = 0; i < a.Length; i++)
        {
            a[i] *= factor;
        }
    }

    private static uint ReverseBits(uint x)
    {
        x = ((x >> 1) & 0x5555_5555u) | ((x & 0x5555_5555u) << 1);
        x = ((x >> 2) & 0x3333_3333u) | ((x & 0x3333_3333u) << 2);
        x = ((x >> 4) & 0x0F0F_0F0Fu) | ((x & 0x0F0F_0F0Fu) << 4);
        x = ((x >> 8) & 0x00FF_00FFu) | ((x & 0x00FF_00FFu) << 8);
        return (x >> 16) | (x << 16);
    }

    private static int CheckLength(int n, string name)
    {
        if (n < 1 || !BitOperations.IsPow2(n) || n > 1 << MaxLogSize)
        {
            throw new ArgumentException($"length {n} is not a power of two between 1 and 2^{MaxLogSize}", name);
        }
        return BitOperations.Log2((uint)n);
    }

    /// <summary>
    /// Twiddles for every layer of every size up to the largest built so far: entry m + j is ω_{2m}^j (j &lt; m), so a
    /// transform of size n reads entries [1, n) and the tables for smaller sizes are prefixes of the larger one.
    /// </summary>
    private static class TwiddleTable
    {
        private static readonly Lock Gate = new();
        private static Goldilocks[] _forward = [];
        private static Goldilocks[] _inverse = [];

        public static Goldilocks[] For(int logN, bool inverse)
        {
            Goldilocks[] table = Volatile.Read(ref inverse ? ref _inverse : ref _forward);
            if (table.Length >= 1 << logN)
            {
                return table;
            }
            lock (Gate)
            {
                table = inverse ? _inverse : _forward;
                if (table.Length < 1 << logN)
                {
                    table = Build(logN, inverse);
                    Volatile.Write(ref inverse ? ref _inverse : ref _forward, table);
                }
                return table;
            }
        }

        private static Goldilocks[] Build(int logN, bool inverse)
        {
            int n = 1 << logN;
            var table = new Goldilocks[n];
            int top = n / 2;
            Goldilocks w = inverse ? Goldilocks.InverseRootOfUnity(logN) : Goldilocks.RootOfUnity(logN);
            Goldilocks power = Goldilocks.One;
            for (int j = 0; j < top; j++)
            {
                table[top + j] = power;
                power *= w;
            }
            // ω_{2m}^j = ω_{4m}^{2j}: each lower layer is every other entry of the one above it.
            for (int m = top / 2; m >= 1; m /= 2)
            {
                for (int j = 0; j < m; j++)
                {
                    table[m + j] = table[2 * m + 2 * j];
                }
            }
            return table;
        }
    }
}
