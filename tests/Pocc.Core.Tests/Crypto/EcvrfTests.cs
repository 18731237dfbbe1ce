using System.Numerics;
using CsCheck;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;

namespace Pocc.Core.Tests.Crypto;

public class EcvrfTests
{
    private static readonly Gen<byte[]> GenSeed = Gen.Byte.Array[KeyPair.SeedSize];
    private static readonly Gen<byte[]> GenAlpha = Gen.Byte.Array[0, 100];

    private static readonly BigInteger GroupOrder = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private static PublicKey PublicKeyOf(byte[] seed)
    {
        using var key = KeyPair.FromSeed(seed);
        return key.PublicKey;
    }

    // Hex of y little-endian with x's sign in the top bit: the identity, (0, -1) of order 2, and (sqrt(-1), 0) of order 4.
    [Theory]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080")]
    public void Rejects_a_small_order_public_key(string hex)
    {
        var proof = Ecvrf.Prove(new byte[KeyPair.SeedSize], [1, 2, 3]);

        Assert.False(Ecvrf.Verify(PublicKey.Parse(hex), proof, [1, 2, 3], out var beta));
        Assert.Equal(default, beta);
    }

    [Fact]
    public void Rejects_a_public_key_with_a_torsion_component()
    {
        using var key = KeyPair.FromLabel("vrf");
        var proof = Ecvrf.Prove(key, [7]);
        Span<byte> twisted = stackalloc byte[PublicKey.Size];
        Edwards25519.Add(twisted, key.PublicKey.Bytes, Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));

        Assert.False(Ecvrf.Verify(new PublicKey(twisted), proof, [7], out _));
    }

    [Fact]
    public void Verifies_every_honest_proof_and_outputs_its_beta()
    {
        Gen.Select(GenSeed, GenAlpha).Sample((seed, alpha) =>
        {
            var proof = Ecvrf.Prove(seed, alpha);

            Assert.True(Ecvrf.Verify(PublicKeyOf(seed), proof, alpha, out var beta));
            Assert.Equal(Ecvrf.ProofToHash(proof), beta);
        }, iter: 50);
    }

    [Fact]
    public void Proof_and_beta_are_deterministic()
    {
        Gen.Select(GenSeed, GenAlpha).Sample((seed, alpha) =>
        {
            using var key = KeyPair.FromSeed(seed);
            var proof = Ecvrf.Prove(seed, alpha);

            Assert.Equal(proof, Ecvrf.Prove(key, alpha));
            Assert.Equal(Ecvrf.ProofToHash(proof), Ecvrf.ProofToHash(Ecvrf.Prove(seed, alpha)));
        }, iter: 30);
    }

    [Fact]
    public void Rejects_a_proof_with_any_bit_flipped()
    {
        Gen.Select(GenSeed, GenAlpha, Gen.Int[0, VrfProof.Size * 8 - 1]).Sample((seed, alpha, bit) =>
        {
            var bytes = Ecvrf.Prove(seed, alpha).Bytes.ToArray();
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.False(Ecvrf.Verify(PublicKeyOf(seed), new VrfProof(bytes), alpha, out _));
        }, iter: 100);
    }

    [Fact]
    public void Rejects_a_proof_for_another_input()
    {
        Gen.Select(GenSeed, GenAlpha, GenAlpha).Where((_, a, b) => !a.AsSpan().SequenceEqual(b)).Sample((seed, alpha, other) =>
        {
            var proof = Ecvrf.Prove(seed, alpha);

            Assert.False(Ecvrf.Verify(PublicKeyOf(seed), proof, other, out _));
        }, iter: 50);
    }

    [Fact]
    public void Rejects_a_proof_under_another_public_key()
    {
        Gen.Select(GenSeed, GenSeed, GenAlpha).Where((a, b, _) => !a.AsSpan().SequenceEqual(b)).Sample((seed, other, alpha) =>
        {
            var proof = Ecvrf.Prove(seed, alpha);

            Assert.False(Ecvrf.Verify(PublicKeyOf(other), proof, alpha, out _));
        }, iter: 50);
    }

    [Fact]
    public void Rejects_a_response_that_is_not_reduced()
    {
        Gen.Select(GenSeed, GenAlpha).Sample((seed, alpha) =>
        {
            var bytes = Ecvrf.Prove(seed, alpha).Bytes.ToArray();
            var response = bytes.AsSpan(VrfProof.GammaSize + VrfProof.ChallengeSize);
            // s + L names the same scalar, so only the s < L check stops this proof from verifying.
            var unreduced = new BigInteger(response, isUnsigned: true) + GroupOrder;
            Assert.True(unreduced.TryWriteBytes(response, out _, isUnsigned: true));
            var proof = new VrfProof(bytes);

            Assert.False(Ecvrf.Verify(PublicKeyOf(seed), proof, alpha, out _));
            Assert.Throws<ArgumentException>(() => Ecvrf.ProofToHash(proof));
        }, iter: 30);
    }

    [Fact]
    public void Rejects_a_non_canonical_gamma_encoding()
    {
        var bytes = Ecvrf.Prove(new byte[KeyPair.SeedSize], []).Bytes.ToArray();
        // y = p + 1: the identity, encoded without reducing y.
        Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f").CopyTo(bytes, 0);
        var proof = new VrfProof(bytes);

        Assert.False(Ecvrf.Verify(PublicKeyOf(new byte[KeyPair.SeedSize]), proof, [], out _));
        Assert.Throws<ArgumentException>(() => Ecvrf.ProofToHash(proof));
    }

    [Fact]
    public void Bounds_the_input_size()
    {
        var seed = new byte[KeyPair.SeedSize];
        var largest = new byte[Ecvrf.MaxAlphaSize];
        var proof = Ecvrf.Prove(seed, largest);

        Assert.True(Ecvrf.Verify(PublicKeyOf(seed), proof, largest, out _));
        Assert.Throws<ArgumentException>(() => Ecvrf.Prove(seed, new byte[Ecvrf.MaxAlphaSize + 1]));
        Assert.False(Ecvrf.Verify(PublicKeyOf(seed), proof, new byte[Ecvrf.MaxAlphaSize + 1], out _));
    }

    [Fact]
    public void Proof_round_trips_through_hex()
    {
        var proof = Ecvrf.Prove(new byte[KeyPair.SeedSize], [42]);

        Assert.Equal(proof, VrfProof.Parse(proof.ToString()));
        Assert.Throws<FormatException>(() => VrfProof.Parse("00"));
    }
}
