using Pocc.Core.Crypto;
using Pocc.Core.Encoding;

namespace Pocc.Ledger.State;

/// <summary>A member of the validator set. Its voting power is the bonded stake of its account.</summary>
public sealed record Validator(PublicKey PublicKey, bool Jailed)
{
    public const byte Version = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(40);
        writer.WriteU8(Version);
        writer.WriteFixed(PublicKey.Bytes);
        writer.WriteBool(Jailed);
        return writer.ToArray();
    }

    public static Validator Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "validator");
        var validator = new Validator(new PublicKey(reader.ReadFixed(PublicKey.Size)), reader.ReadBool());
        reader.EnsureEnd();
        return validator;
    }
}
