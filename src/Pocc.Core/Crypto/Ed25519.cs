using NSec.Cryptography;

namespace Pocc.Core.Crypto;

/// <summary>Ed25519 verification through libsodium (NSec). Thread-safe; callers parallelise over cores.</summary>
public static class Ed25519
{
    internal static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    public static bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, Signature signature)
    {
        if (!NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey.Bytes, KeyBlobFormat.RawPublicKey, out var key) || key is null)
        {
            return false;
        }
        return Algorithm.Verify(key, message, signature.Bytes);
    }
}
