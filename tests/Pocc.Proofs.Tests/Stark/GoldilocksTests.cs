using System.Numerics;
using CsCheck;
using Pocc.Proofs.Stark;
using static Pocc.Proofs.Tests.Stark.FieldGen;

namespace Pocc.Proofs.Tests.Stark;

public class GoldilocksTests
{
    [Fact]
    public void Modulus_is_two_to_the_64_minus_two_to_the_32_plus_one() =>
        Assert.Equal(BigP, (BigInteger)Goldilocks.P);

    [Fact]
    public void Add_sub_mul_neg_match_the_BigInteger_reference() =>
        Gen.Select(Element, Element).Sample((a, b) =>
        {
            Assert.Equal(Mod(Big(a) + Big(b)), (a + b).Value);
            Assert.Equal(Mod(Big(a) - Big(b)), (a - b).Value);
            Assert.Equal(Mod(Big(a) * Big(b)), (a * b).Value);
            Assert.Equal(Mod(-Big(a)), (-a).Value);
            Assert.Equal(Mod(Big(a) * Big(a)), a.Square().Value);
        }, iter: 20_000);

    [Fact]
    public void Every_pair_of_edge_values_matches_the_reference()
    {
        foreach (ulong x in Edges)
        {
            foreach (ulong y in Edges)
            {
                Goldilocks a = Goldilocks.FromCanonical(x), b = Goldilocks.FromCanonical(y);
                Assert.Equal(Mod((BigInteger)x + y), (a + b).Value);
                Assert.Equal(Mod((BigInteger)x - y), (a - b).Value);
                Assert.Equal(Mod((BigInteger)x * y), (a * b).Value);
            }
        }
    }

    [Fact]
    public void Reduces_any_128_bit_value() =>
        Gen.Select(Gen.Frequency((3, Gen.ULong), (1, Gen.OneOf(RawEdges))), Gen.Frequency((3, Gen.ULong), (1, Gen.OneOf(RawEdges))))
            .Sample((hi, lo) =>
                Assert.Equal(Mod(((BigInteger)hi << 64) + lo), Goldilocks.Reduce128(hi, lo)), iter: 20_000);

    [Fact]
    public void FromUInt64_reduces_and_FromCanonical_rejects_values_from_p_up()
    {
        foreach (ulong x in RawEdges)
        {
            Assert.Equal(Mod(x), Goldilocks.FromUInt64(x).Value);
            Assert.Equal(x < P, Goldilocks.TryFromCanonical(x, out _));
            if (x >= P)
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => Goldilocks.FromCanonical(x));
            }
        }
        Gen.ULong.Sample(x => Assert.Equal(Mod(x), Goldilocks.FromUInt64(x).Value));
    }

    [Fact]
    public void FromInt64_maps_negatives_below_p() =>
        Gen.Frequency((3, Gen.Long), (1, Gen.OneOf(long.MinValue, long.MaxValue, -1L, 0L, 1L))).Sample(x =>
            Assert.Equal(Mod(x), Goldilocks.FromInt64(x).Value));

    [Fact]
    public void Pow_matches_BigInteger_ModPow() =>
        Gen.Select(Element, Gen.Frequency((3, Gen.ULong), (1, Gen.OneOf(0UL, 1UL, 2UL, P - 1, P - 2, P, ulong.MaxValue)))).Sample((a, e) =>
            Assert.Equal((ulong)BigInteger.ModPow(Big(a), e, BigP), a.Pow(e).Value), iter: 2_000);

    [Fact]
    public void Inverse_is_the_Fermat_inverse_and_multiplies_to_one() =>
        NonZero.Sample(a =>
        {
            Goldilocks inverse = a.Inverse();
            Assert.Equal((ulong)BigInteger.ModPow(Big(a), BigP - 2, BigP), inverse.Value);
            Assert.Equal(Goldilocks.One, a * inverse);
        }, iter: 5_000);

    [Fact]
    public void Zero_has_no_inverse()
    {
        Assert.Throws<DivideByZeroException>(() => Goldilocks.Zero.Inverse());
        Assert.Throws<DivideByZeroException>(() => Goldilocks.BatchInverse([Goldilocks.One, Goldilocks.Zero], new Goldilocks[2]));
    }

    [Fact]
    public void Batch_inverse_matches_one_by_one_also_in_place() =>
        NonZero.Array[0, 100].Sample(values =>
        {
            var expected = values.Select(v => v.Inverse()).ToArray();
            var result = new Goldilocks[values.Length];
            Goldilocks.BatchInverse(values, result);
            Assert.Equal(expected, result);

            Goldilocks.BatchInverse(values, values);
            Assert.Equal(expected, values);
        }, iter: 200);

    [Fact]
    public void Seven_generates_the_multiplicative_group()
    {
        // p − 1 = 2^32 · 3 · 5 · 17 · 257 · 65537; g generates iff g^((p−1)/q) ≠ 1 for every prime q dividing p − 1.
        ulong[] primes = [2, 3, 5, 17, 257, 65537];
        BigInteger product = BigInteger.One << 31;
        foreach (ulong q in primes)
        {
            Assert.True(IsPrime(q));
            product *= q;
        }
        Assert.Equal(BigP - 1, product);
        foreach (ulong q in primes)
        {
            Assert.NotEqual(Goldilocks.One, Goldilocks.Generator.Pow((P - 1) / q));
        }
        Assert.Equal(Goldilocks.One, Goldilocks.Generator.Pow(P - 1));
    }

    [Fact]
    public void Roots_of_unity_have_exactly_the_stated_order()
    {
        for (int k = 0; k <= Goldilocks.TwoAdicity; k++)
        {
            Goldilocks w = Goldilocks.RootOfUnity(k);
            Assert.Equal(Goldilocks.One, w.Pow(1UL << k));
            if (k > 0)
            {
                // The order divides 2^k; it is exactly 2^k when w^(2^(k−1)) = −1 rather than 1.
                Assert.Equal(-Goldilocks.One, w.Pow(1UL << (k - 1)));
                Assert.Equal(Goldilocks.RootOfUnity(k - 1), w.Square());
            }
            Assert.Equal(Goldilocks.One, w * Goldilocks.InverseRootOfUnity(k));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Goldilocks.RootOfUnity(33));
        Assert.Throws<ArgumentOutOfRangeException>(() => Goldilocks.RootOfUnity(-1));
    }

    [Fact]
    public void Equality_hash_and_text_follow_the_canonical_value()
    {
        Assert.Equal(Goldilocks.FromUInt64(P + 5), Goldilocks.FromCanonical(5));
        Assert.Equal(Goldilocks.FromCanonical(5).GetHashCode(), Goldilocks.FromUInt64(P + 5).GetHashCode());
        Assert.NotEqual(Goldilocks.One, Goldilocks.Zero);
        Assert.Equal("18446744069414584320", (-Goldilocks.One).ToString());
    }

    [Fact]
    public void Encoding_is_the_little_endian_value_and_rejects_non_canonical_bytes()
    {
        Element.Sample(a =>
        {
            var bytes = new byte[Goldilocks.EncodedLength];
            a.WriteTo(bytes);
            Assert.Equal(a.Value, BitConverter.ToUInt64(bytes));
            Assert.True(Goldilocks.TryRead(bytes, out Goldilocks back));
            Assert.Equal(a, back);
        });
        foreach (ulong x in new[] { P, P + 1, ulong.MaxValue })
        {
            Assert.False(Goldilocks.TryRead(BitConverter.GetBytes(x), out _));
        }
        Assert.False(Goldilocks.TryRead(new byte[7], out _));
    }

    private static bool IsPrime(ulong n)
    {
        for (ulong d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return n >= 2;
    }
}
