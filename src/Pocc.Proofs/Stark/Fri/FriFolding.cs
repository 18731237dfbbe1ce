namespace Pocc.Proofs.Stark.Fri;

/// <summary>
/// The arithmetic prover and verifier share: how a layer on the coset s·⟨ω_n⟩ is laid out in rows and folded by k.
/// </summary>
/// <remarks>
/// With m = n / k, row j holds the k values at x·ε^t for t &lt; k, where x = s·ω_n^j and ε = ω_n^m is a primitive
/// k-th root: exactly the points with the same k-th power y = x^k = s^k·ω_m^j, which is position j of the next
/// layer. Writing f(X) = Σ_i X^i f_i(X^k), the values are v_t = Σ_i x^i ε^(ti) f_i(y), a size-k DFT, so
/// f_i(y) = x^(−i)/k · Σ_t ε^(−ti) v_t and the folded value f'(y) = Σ_i α^i f_i(y) = 1/k · Σ_i (α/x)^i Σ_t ε^(−ti) v_t.
/// </remarks>
internal static class FriFolding
{
    /// <summary>The folded value f'(x^k) from one row's k values, given (α / x) and the inverse k-th roots ε^(−t).</summary>
    public static GoldilocksExt2 FoldRow(ReadOnlySpan<GoldilocksExt2> row, GoldilocksExt2 alphaOverX, ReadOnlySpan<Goldilocks> inverseRoots, Goldilocks inverseK)
    {
        int k = row.Length;
        GoldilocksExt2 result = GoldilocksExt2.Zero;
        // Horner over i from k − 1 down: each coefficient is the inverse DFT term Σ_t ε^(−ti) v_t.
        for (int i = k - 1; i >= 0; i--)
        {
            GoldilocksExt2 coefficient = GoldilocksExt2.Zero;
            for (int t = 0; t < k; t++)
            {
                coefficient += row[t] * inverseRoots[i * t % k];
            }
            result = result * alphaOverX + coefficient;
        }
        return result * inverseK;
    }

    /// <summary>ε^(−t) for t &lt; k, ε the primitive k-th root ω_n^(n/k) of every layer.</summary>
    public static Goldilocks[] InverseRoots(int k)
    {
        var roots = new Goldilocks[k];
        Goldilocks step = Goldilocks.InverseRootOfUnity(int.Log2(k));
        roots[0] = Goldilocks.One;
        for (int t = 1; t < k; t++)
        {
            roots[t] = roots[t - 1] * step;
        }
        return roots;
    }

    /// <summary>1 / k in the base field.</summary>
    public static Goldilocks InverseOf(int k) => Goldilocks.FromUInt64((ulong)k).Inverse();

    /// <summary>The folded layer of <paramref name="values"/> (on s·⟨ω_n⟩, natural order) by the challenge α.</summary>
    public static GoldilocksExt2[] Fold(GoldilocksExt2[] values, int k, Goldilocks shift, GoldilocksExt2 alpha)
    {
        int n = values.Length;
        int m = n / k;
        Goldilocks[] inverseRoots = InverseRoots(k);
        Goldilocks inverseK = InverseOf(k);
        Goldilocks stepInverse = Goldilocks.InverseRootOfUnity(int.Log2(n));
        Goldilocks shiftInverse = shift.Inverse();
        var folded = new GoldilocksExt2[m];
        const int Chunk = 1 << 10;
        Parallel.For(0, (m + Chunk - 1) / Chunk, c =>
        {
            int start = c * Chunk;
            int end = Math.Min(m, start + Chunk);
            Span<GoldilocksExt2> row = stackalloc GoldilocksExt2[k];
            Goldilocks xInverse = shiftInverse * stepInverse.Pow((ulong)start);
            for (int j = start; j < end; j++)
            {
                for (int t = 0; t < k; t++)
                {
                    row[t] = values[j + t * m];
                }
                folded[j] = FoldRow(row, alpha * xInverse, inverseRoots, inverseK);
                xInverse *= stepInverse;
            }
        });
        return folded;
    }

    /// <summary>Row <paramref name="j"/> of a layer: the values at positions j + t·m.</summary>
    public static GoldilocksExt2[] Row(GoldilocksExt2[] values, int k, int j)
    {
        int m = values.Length / k;
        var row = new GoldilocksExt2[k];
        for (int t = 0; t < k; t++)
        {
            row[t] = values[j + t * m];
        }
        return row;
    }

    /// <summary>The remainder polynomial's value at a base-field point, by Horner.</summary>
    public static GoldilocksExt2 Evaluate(ReadOnlySpan<GoldilocksExt2> coefficients, Goldilocks point)
    {
        GoldilocksExt2 result = GoldilocksExt2.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            result = result * point + coefficients[i];
        }
        return result;
    }
}
