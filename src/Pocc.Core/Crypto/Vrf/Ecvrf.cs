using System.Security.Cryptography;

namespace Pocc.Core.Crypto.Vrf;

/// <summary>
/// The verifiable random function ECVRF-EDWARDS25519-SHA512-ELL2 of RFC 9381 (suite 0x04) over our Ed25519 keys: the
/// holder of a seed proves the output for an input, anyone with the public key checks it, and no one can find a second
/// output for the same key and input.
/// </summary>
/// <remarks>
/// Verification always runs validate_key (full uniqueness). It is slightly stricter than the RFC, which only asks that
/// points decode: the public key and Gamma must be canonical encodings in the prime-order subgroup (Gamma may be the
/// identity), because libsodium multiplies no other points. Honest keys and proofs always satisfy this.
/// </remarks>
public static class Ecvrf
{
    /// <summary>Bounds the hashing a verifier does for an input it was sent; VRF inputs here are seeds and heights.</summary>
    public const int MaxAlphaSize = 4096;

    private const byte SuiteString = 0x04;
    private const byte ChallengeDomainFront = 0x02;
    private const byte ProofToHashDomainFront = 0x03;
    private const byte DomainBack = 0x00;

    /// <summary>"ECVRF_" || h2c_suite_ID_string || suite_string, RFC 9381 section 5.5.</summary>
    private static ReadOnlySpan<byte> EncodeToCurveDst => "ECVRF_edwards25519_XMD:SHA-512_ELL2_NU_\x04"u8;

    /// <summary>Proves the VRF output of <paramref name="alpha"/> under the key's seed.</summary>
    public static VrfProof Prove(KeyPair key, ReadOnlySpan<byte> alpha)
    {
        var seed = key.ExportSeed();
        try
        {
            return Prove(seed, alpha);
        }
        finally
        {
            Array.Clear(seed);
        }
    }

    /// <summary>RFC 9381 section 5.1 with the secret key a 32-byte Ed25519 seed, expanded as RFC 8032 section 5.1.5 does.</summary>
    public static VrfProof Prove(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> alpha)
    {
        if (seed.Length != KeyPair.SeedSize)
        {
            throw new ArgumentException($"an Ed25519 seed is {KeyPair.SeedSize} bytes, got {seed.Length}", nameof(seed));
        }
        CheckAlpha(alpha);

        Span<byte> expanded = stackalloc byte[SHA512.HashSizeInBytes];
        Span<byte> wide = stackalloc byte[SHA512.HashSizeInBytes];
        Span<byte> x = stackalloc byte[Edwards25519.ScalarSize];
        Span<byte> k = stackalloc byte[Edwards25519.ScalarSize];
        try
        {
            SHA512.HashData(seed, expanded);
            expanded[0] &= 248;
            expanded[31] &= 127;
            expanded[31] |= 64;
            wide.Clear();
            expanded[..32].CopyTo(wide);
            Edwards25519.Reduce(x, wide);

            Span<byte> y = stackalloc byte[Edwards25519.PointSize];
            Edwards25519.MultiplyBase(y, x);
            Span<byte> h = stackalloc byte[Edwards25519.PointSize];
            EncodeToCurve(h, y, alpha);
            Span<byte> gamma = stackalloc byte[Edwards25519.PointSize];
            Edwards25519.Multiply(gamma, x, h);

            // Section 5.4.2.2: the RFC 8032 nonce, from the upper half of the expanded seed and H.
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
            {
                hash.AppendData(expanded[32..]);
                hash.AppendData(h);
                hash.GetHashAndReset(wide);
            }
            Edwards25519.Reduce(k, wide);

            Span<byte> u = stackalloc byte[Edwards25519.PointSize];
            Edwards25519.MultiplyBase(u, k);
            Span<byte> v = stackalloc byte[Edwards25519.PointSize];
            Edwards25519.Multiply(v, k, h);

            Span<byte> proof = stackalloc byte[VrfProof.Size];
            gamma.CopyTo(proof);
            Span<byte> c = stackalloc byte[Edwards25519.ScalarSize];
            Challenge(c, y, h, gamma, u, v);
            c[..VrfProof.ChallengeSize].CopyTo(proof[VrfProof.GammaSize..]);
            Edwards25519.MultiplyAdd(proof[(VrfProof.GammaSize + VrfProof.ChallengeSize)..], c, x, k);
            return new VrfProof(proof);
        }
        finally
        {
            expanded.Clear();
            wide.Clear();
            x.Clear();
            k.Clear();
        }
    }

    /// <summary>
    /// RFC 9381 section 5.3 with validate_key: true when <paramref name="proof"/> proves <paramref name="beta"/> for
    /// <paramref name="alpha"/> under <paramref name="publicKey"/>. On false, <paramref name="beta"/> is default.
    /// </summary>
    public static bool Verify(PublicKey publicKey, VrfProof proof, ReadOnlySpan<byte> alpha, out VrfOutput beta)
    {
        beta = default;
        var y = publicKey.Bytes;
        if (alpha.Length > MaxAlphaSize || !Edwards25519.IsValidPoint(y) || !Decodes(proof))
        {
            return false;
        }
        Span<byte> c = stackalloc byte[Edwards25519.ScalarSize];
        c.Clear();
        proof.Challenge.CopyTo(c);
        var s = proof.Response;
        var gamma = proof.Gamma;

        Span<byte> h = stackalloc byte[Edwards25519.PointSize];
        EncodeToCurve(h, y, alpha);

        // U = s·B - c·Y and V = s·H - c·Gamma.
        Span<byte> u = stackalloc byte[Edwards25519.PointSize];
        Span<byte> v = stackalloc byte[Edwards25519.PointSize];
        Span<byte> term = stackalloc byte[Edwards25519.PointSize];
        Edwards25519.MultiplyBase(u, s);
        Edwards25519.Multiply(term, c, y);
        Edwards25519.Subtract(u, u, term);
        Edwards25519.Multiply(v, s, h);
        Edwards25519.Multiply(term, c, gamma);
        Edwards25519.Subtract(v, v, term);

        Span<byte> expected = stackalloc byte[Edwards25519.ScalarSize];
        Challenge(expected, y, h, gamma, u, v);
        if (!expected[..VrfProof.ChallengeSize].SequenceEqual(proof.Challenge))
        {
            return false;
        }
        beta = HashGamma(gamma);
        return true;
    }

    /// <summary>
    /// RFC 9381 section 5.2: the output a proof commits to. It means nothing until <see cref="Verify"/> accepts the
    /// proof, which returns the same output; this is for a prover reading its own proof.
    /// </summary>
    public static VrfOutput ProofToHash(VrfProof proof)
    {
        if (!Decodes(proof))
        {
            throw new ArgumentException("the proof does not decode: Gamma is not a valid point or s is not below L", nameof(proof));
        }
        return HashGamma(proof.Gamma);
    }

    private static void CheckAlpha(ReadOnlySpan<byte> alpha)
    {
        if (alpha.Length > MaxAlphaSize)
        {
            throw new ArgumentException($"a VRF input is at most {MaxAlphaSize} bytes, got {alpha.Length}", nameof(alpha));
        }
    }

    /// <summary>Section 5.4.4 decode_proof, with the subgroup restriction on Gamma described on the class.</summary>
    private static bool Decodes(VrfProof proof) =>
        (proof.Gamma.SequenceEqual(Edwards25519.Identity) || Edwards25519.IsValidPoint(proof.Gamma))
        && Edwards25519.IsCanonicalScalar(proof.Response);

    /// <summary>Section 5.4.1.2 with encode_to_curve_salt = PK_string.</summary>
    private static void EncodeToCurve(Span<byte> h, ReadOnlySpan<byte> y, ReadOnlySpan<byte> alpha)
    {
        Span<byte> message = stackalloc byte[Edwards25519.PointSize + alpha.Length];
        y.CopyTo(message);
        alpha.CopyTo(message[Edwards25519.PointSize..]);
        HashToCurve.Encode(h, message, EncodeToCurveDst);
    }

    /// <summary>Section 5.4.3: c is the first cLen = 16 bytes of the hash, little-endian, written zero-padded to a scalar.</summary>
    private static void Challenge(Span<byte> c, ReadOnlySpan<byte> y, ReadOnlySpan<byte> h, ReadOnlySpan<byte> gamma,
        ReadOnlySpan<byte> u, ReadOnlySpan<byte> v)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData([SuiteString, ChallengeDomainFront]);
        hash.AppendData(y);
        hash.AppendData(h);
        hash.AppendData(gamma);
        hash.AppendData(u);
        hash.AppendData(v);
        hash.AppendData([DomainBack]);
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        c.Clear();
        digest[..VrfProof.ChallengeSize].CopyTo(c);
    }

    private static VrfOutput HashGamma(ReadOnlySpan<byte> gamma)
    {
        Span<byte> cleared = stackalloc byte[Edwards25519.PointSize];
        Edwards25519.MultiplyByCofactor(cleared, gamma);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        hash.AppendData([SuiteString, ProofToHashDomainFront]);
        hash.AppendData(cleared);
        hash.AppendData([DomainBack]);
        Span<byte> beta = stackalloc byte[VrfOutput.Size];
        hash.GetHashAndReset(beta);
        return new VrfOutput(beta);
    }
}
