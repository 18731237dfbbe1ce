using System.Numerics;
using CsCheck;
using Pocc.Core.Numerics;

namespace Pocc.Core.Tests.Numerics;

public class Mod61Tests
{
    private static readonly BigInteger P = Mod61.P;

    // Reduced values with the edges (0, 1, p−1 and values near 2^60) overrepresented.
    private static readonly Gen<ulong> GenElement = Gen.OneOf(
        Gen.ULong[0, Mod61.P - 1],
        Gen.OneOf(0UL, 1UL, 2UL, Mod61.P - 1, Mod61.P - 2, 1UL << 60, (1UL << 60) - 1, (1UL << 32) - 1, 1UL << 32));

    private static readonly Gen<ulong> GenAnyWord = Gen.OneOf(Gen.ULong, Gen.OneOf(ulong.MaxValue, Mod61.P, Mod61.P + 1, 2 * Mod61.P, 0UL));

    private static ulong Ref(BigInteger value)
    {
        var r = value % P;
        return (ulong)(r < 0 ? r + P : r);
    }

    [Fact]
    public void Add_matches_BigInteger() =>
        Gen.Select(GenElement, GenElement).Sample((a, b) => Assert.Equal(Ref((BigInteger)a + b), Mod61.Add(a, b)), iter: 20_000);

    [Fact]
    public void Sub_matches_BigInteger() =>
        Gen.Select(GenElement, GenElement).Sample((a, b) => Assert.Equal(Ref((BigInteger)a - b), Mod61.Sub(a, b)), iter: 20_000);

    [Fact]
    public void Mul_matches_BigInteger() =>
        Gen.Select(GenElement, GenElement).Sample((a, b) => Assert.Equal(Ref((BigInteger)a * b), Mod61.Mul(a, b)), iter: 20_000);

    [Fact]
    public void MulAdd_matches_BigInteger() =>
        Gen.Select(GenElement, GenElement, GenElement).Sample((a, b, c) => Assert.Equal(Ref((BigInteger)a * b + c), Mod61.MulAdd(a, b, c)));

    [Fact]
    public void Neg_is_the_additive_inverse() =>
        GenElement.Sample(a => Assert.Equal(0UL, Mod61.Add(a, Mod61.Neg(a))));

    [Fact]
    public void Reduce_of_any_word_matches_BigInteger() =>
        GenAnyWord.Sample(x => Assert.Equal(Ref(x), Mod61.Reduce(x)), iter: 20_000);

    [Fact]
    public void Reduce_of_any_128_bit_value_matches_BigInteger() =>
        Gen.Select(GenAnyWord, GenAnyWord).Sample((hi, lo) =>
        {
            var value = new UInt128(hi, lo);
            Assert.Equal(Ref((BigInteger)value), Mod61.Reduce(value));
        }, iter: 20_000);

    [Fact]
    public void Outputs_are_always_reduced() =>
        Gen.Select(GenElement, GenElement).Sample((a, b) =>
            Mod61.IsReduced(Mod61.Add(a, b)) && Mod61.IsReduced(Mod61.Sub(a, b)) && Mod61.IsReduced(Mod61.Mul(a, b)));

    [Fact]
    public void FromInt64_maps_negatives_to_their_residues() =>
        Gen.OneOf(Gen.Long, Gen.OneOf(long.MinValue, long.MaxValue, -1L, 0L)).Sample(v => Assert.Equal(Ref(v), Mod61.FromInt64(v)));

    [Fact]
    public void Inverse_times_value_is_one() =>
        GenElement.Where(a => a != 0).Sample(a => Assert.Equal(1UL, Mod61.Mul(a, Mod61.Inverse(a))), iter: 500);

    [Fact]
    public void Pow_matches_BigInteger_ModPow() =>
        Gen.Select(GenElement, Gen.ULong).Sample((a, e) => Assert.Equal(Ref(BigInteger.ModPow(a, e, P)), Mod61.Pow(a, e)), iter: 500);

    [Fact]
    public void Zero_has_no_inverse() => Assert.Throws<DivideByZeroException>(() => Mod61.Inverse(0));

    [Fact]
    public void Dot_matches_BigInteger_for_any_length() =>
        Gen.Int[0, 300].SelectMany(n => Gen.Select(GenElement.Array[n], GenElement.Array[n])).Sample((a, b) =>
        {
            BigInteger expected = 0;
            for (int i = 0; i < a.Length; i++)
            {
                expected += (BigInteger)a[i] * b[i];
            }
            Assert.Equal(Ref(expected), Mod61.Dot(a, b));
        }, iter: 300);

    [Theory]
    [InlineData(1000)]
    [InlineData(8192)]
    [InlineData(8199)]
    [InlineData(40_000)]
    public void Dot_of_all_maximal_elements_does_not_overflow(int length)
    {
        var a = Enumerable.Repeat(Mod61.P - 1, length).ToArray();

        // (p−1)^2 ≡ 1, so the sum of n of them is n.
        Assert.Equal((ulong)length, Mod61.Dot(a, a));
    }

    [Theory]
    [InlineData(8191)]
    [InlineData(8193)]
    [InlineData(16_385)]
    [InlineData(30_001)]
    public void Dot_matches_BigInteger_across_vector_chunks(int length)
    {
        var rng = new Random(length);
        var a = Enumerable.Range(0, length).Select(_ => (ulong)rng.NextInt64(0, (long)Mod61.P)).ToArray();
        var b = Enumerable.Range(0, length).Select(i => i % 7 == 0 ? Mod61.P - 1 : (ulong)rng.NextInt64(0, (long)Mod61.P)).ToArray();
        BigInteger expected = 0;
        for (int i = 0; i < length; i++)
        {
            expected += (BigInteger)a[i] * b[i];
        }

        Assert.Equal(Ref(expected), Mod61.Dot(a, b));
    }

    [Fact]
    public void Dot_rejects_spans_of_different_lengths() =>
        Assert.Throws<ArgumentException>(() => Mod61.Dot(new ulong[3], new ulong[4]));

    [Fact]
    public void MatVec_matches_row_dot_products()
    {
        ulong[] a = [1, 2, 3, 4, 5, Mod61.P - 1];
        ulong[] x = [7, 8, 9];
        var y = new ulong[2];

        Mod61.MatVec(a, 2, 3, x, y);

        Assert.Equal([1 * 7 + 2 * 8 + 3 * 9, Mod61.Add(4 * 7 + 5 * 8, Mod61.Mul(Mod61.P - 1, 9))], y);
    }
}
