using NSec.Cryptography;
using Pocc.Core.Addressing;

namespace Pocc.Core.Crypto;

/// <summary>An Ed25519 signing key held by libsodium. The 32-byte seed is the only secret and is never logged.</summary>
public sealed class KeyPair : IDisposable
{
    public const int SeedSize = 32;

    private readonly Key _key;

    private KeyPair(Key key)
    {
        _key = key;
        PublicKey = new PublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        Address = PublicKey.Address;
    }

    public PublicKey PublicKey { get; }

    public Address Address { get; }

    public static KeyPair Generate() =>
        new(Key.Create(Ed25519.Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    public static KeyPair FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes, got {seed.Length}", nameof(seed));
        }
        return new(Key.Import(Ed25519.Algorithm, seed, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));
    }

    /// <summary>A deterministic key for tests and devnets: seed = BLAKE3(label).</summary>
    public static KeyPair FromLabel(string label) =>
        FromSeed(Hashing.Blake3Hash.Of(System.Text.Encoding.UTF8.GetBytes(label)).ToArray());

    public byte[] ExportSeed() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public Signature Sign(ReadOnlySpan<byte> message)
    {
        Span<byte> signature = stackalloc byte[Signature.Size];
        Ed25519.Algorithm.Sign(_key, message, signature);
        return new Signature(signature);
    }

    public override string ToString() => $"KeyPair({Address})";

    public void Dispose() => _key.Dispose();
}
