using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Transactions;

/// <summary>
/// The signed part of a transaction. The chain id is inside it, so a signature made for one chain
/// is void on every other; the sender's public key is inside it, so the sender address is derived, not claimed.
/// </summary>
public sealed record Transaction(ChainId ChainId, PublicKey Sender, ulong Nonce, Amount Fee, TransactionPayload Payload)
{
    public const byte Version = 1;

    /// <summary>Domain tag prepended to the encoding before signing, so no other signed object can be replayed as a transaction.</summary>
    internal static readonly byte[] SigningDomain = "pocc/tx/v1\0"u8.ToArray();

    public Address SenderAddress => Sender.Address;

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteString(ChainId.Value);
        writer.WriteU8((byte)Payload.Kind);
        writer.WriteFixed(Sender.Bytes);
        writer.WriteU64(Nonce);
        writer.WriteU64(Fee.Value);
        Payload.WriteFields(ref writer);
    }

    public static Transaction Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "transaction");
        string chainId = reader.ReadString(ChainId.MaxLength);
        if (!ChainId.IsValid(chainId))
        {
            throw new CodecException(CodecException.InvalidValue, "transaction chain id is malformed");
        }
        var kind = (TransactionKind)reader.ReadU8();
        var sender = new PublicKey(reader.ReadFixed(PublicKey.Size));
        ulong nonce = reader.ReadU64();
        var fee = new Amount(reader.ReadU64());
        var payload = TransactionPayload.Read(kind, ref reader);
        return new Transaction(new ChainId(chainId), sender, nonce, fee, payload);
    }

    public byte[] SigningBytes()
    {
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(SigningDomain);
        Write(ref writer);
        return writer.ToArray();
    }

    public SignedTransaction Sign(KeyPair key)
    {
        if (key.PublicKey != Sender)
        {
            throw new ArgumentException("the key does not belong to the transaction's sender", nameof(key));
        }
        return new SignedTransaction(this, key.Sign(SigningBytes()));
    }
}
