using System.Numerics;
using CsCheck;
using Pocc.Proofs.Stark;
using static Pocc.Proofs.Tests.Stark.FieldGen;

namespace Pocc.Proofs.Tests.Stark;

public class GoldilocksExt2Tests
{
    [Fact]
    public void Seven_is_a_quadratic_non_residue_by_Eulers_criterion() =>
        Assert.Equal(BigP - 1, BigInteger.ModPow(7, (BigP - 1) / 2, BigP));

    [Fact]
    public void Multiplication_matches_schoolbook_with_u_squared_seven() =>
        Gen.Select(Ext, Ext).Sample((a, b) =>
        {
            GoldilocksExt2 c = a * b;
            Assert.Equal(Mod(Big(a.C0) * Big(b.C0) + 7 * Big(a.C1) * Big(b.C1)), c.C0.Value);
            Assert.Equal(Mod(Big(a.C0) * Big(b.C1) + Big(a.C1) * Big(b.C0)), c.C1.Value);
            Assert.Equal(a * a, a.Square());
        }, iter: 5_000);

    [Fact]
    public void Field_axioms_hold() =>
        Gen.Select(Ext, Ext, Ext).Sample((a, b, c) =>
        {
            Assert.Equal(a + b, b + a);
            Assert.Equal(a * b, b * a);
            Assert.Equal((a + b) + c, a + (b + c));
            Assert.Equal((a * b) * c, a * (b * c));
            Assert.Equal(a * (b + c), a * b + a * c);
            Assert.Equal(a, a + GoldilocksExt2.Zero);
            Assert.Equal(a, a * GoldilocksExt2.One);
            Assert.Equal(GoldilocksExt2.Zero, a + -a);
            Assert.Equal(a - b, a + -b);
        }, iter: 2_000);

    [Fact]
    public void Every_nonzero_element_has_an_inverse() =>
        Ext.Where(a => !a.IsZero).Sample(a =>
        {
            Assert.Equal(GoldilocksExt2.One, a * a.Inverse());
            Assert.Equal(a.Norm(), (a * a.Conjugate()).C0);
            Assert.True((a * a.Conjugate()).C1.IsZero);
        }, iter: 2_000);

    [Fact]
    public void Zero_has_no_inverse() =>
        Assert.Throws<DivideByZeroException>(() => GoldilocksExt2.Zero.Inverse());

    [Fact]
    public void Pow_agrees_with_repeated_multiplication_and_the_group_order() =>
        Gen.Select(Ext.Where(a => !a.IsZero), Gen.ULong[0, 40]).Sample((a, e) =>
        {
            GoldilocksExt2 expected = GoldilocksExt2.One;
            for (ulong i = 0; i < e; i++)
            {
                expected *= a;
            }
            Assert.Equal(expected, a.Pow(e));
            // x^p is the Frobenius map, the conjugate, for an extension of degree 2.
            Assert.Equal(a.Conjugate(), a.Pow(P));
        }, iter: 300);

    [Fact]
    public void Base_field_embeds_as_a_subfield() =>
        Gen.Select(Element, Element).Sample((x, y) =>
        {
            Assert.Equal(GoldilocksExt2.FromBase(x * y), GoldilocksExt2.FromBase(x) * y);
            Assert.Equal(GoldilocksExt2.FromBase(x + y), (GoldilocksExt2)x + y);
            Assert.Equal(GoldilocksExt2.FromBase(x * y), (GoldilocksExt2)x * (GoldilocksExt2)y);
        });

    [Fact]
    public void Encoding_round_trips_and_rejects_non_canonical_coefficients()
    {
        Ext.Sample(a =>
        {
            byte[] bytes = a.ToBytes();
            Assert.Equal(GoldilocksExt2.EncodedLength, bytes.Length);
            Assert.Equal(a.C0.Value, BitConverter.ToUInt64(bytes, 0));
            Assert.True(GoldilocksExt2.TryRead(bytes, out GoldilocksExt2 back));
            Assert.Equal(a, back);
        });
        var tooBig = new byte[16];
        BitConverter.TryWriteBytes(tooBig.AsSpan(8), P);
        Assert.False(GoldilocksExt2.TryRead(tooBig, out _));
        Assert.False(GoldilocksExt2.TryRead(new byte[15], out _));
    }
}
