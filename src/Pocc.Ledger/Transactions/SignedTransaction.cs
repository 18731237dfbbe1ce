using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;

namespace Pocc.Ledger.Transactions;

/// <summary>A transaction with its Ed25519 signature. Its id is the BLAKE3 hash of its canonical encoding.</summary>
public sealed class SignedTransaction : ICanonical<SignedTransaction>
{
    /// <summary>No transaction of the current kinds comes near this; it bounds what a client or peer can make us decode.</summary>
    public const int MaxEncodedSize = 1024;

    private byte[]? _encoded;
    private Hash32? _hash;

    public SignedTransaction(Transaction transaction, Signature signature)
    {
        Transaction = transaction;
        Signature = signature;
    }

    public Transaction Transaction { get; }

    public Signature Signature { get; }

    public Hash32 Hash => _hash ??= Blake3Hash.Of(Encoded);

    /// <summary>The canonical bytes, computed once.</summary>
    public ReadOnlySpan<byte> Encoded => _encoded ??= Canonical.Encode(this);

    public int EncodedSize => Encoded.Length;

    /// <summary>
    /// Checks the signature over the signing bytes: the domain tag and the transaction's encoding, which is this
    /// object's encoding without the trailing signature, so nothing is encoded again on the hot path.
    /// </summary>
    public bool VerifySignature()
    {
        var body = Encoded[..^Signature.Size];
        int length = Transaction.SigningDomain.Length + body.Length;
        Span<byte> message = length <= 512 ? stackalloc byte[length] : new byte[length];
        Transaction.SigningDomain.CopyTo(message);
        body.CopyTo(message[Transaction.SigningDomain.Length..]);
        return Ed25519.Verify(Transaction.Sender, message, Signature);
    }

    public void Write(ref CanonicalWriter writer)
    {
        Transaction.Write(ref writer);
        writer.WriteFixed(Signature.Bytes);
    }

    public static SignedTransaction Read(ref CanonicalReader reader)
    {
        var transaction = Transaction.Read(ref reader);
        var signature = new Signature(reader.ReadFixed(Signature.Size));
        return new SignedTransaction(transaction, signature);
    }

    public static SignedTransaction Decode(ReadOnlySpan<byte> bytes)
    {
        var tx = Canonical.Decode<SignedTransaction>(bytes, MaxEncodedSize);
        tx._encoded = bytes.ToArray();
        return tx;
    }

    public override string ToString() => $"tx {Hash} ({Transaction.Payload.Kind} from {Transaction.SenderAddress} nonce {Transaction.Nonce})";
}
