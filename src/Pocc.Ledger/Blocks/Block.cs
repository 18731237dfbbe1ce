using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Blocks;

/// <summary>A header and its transactions, in the order they were executed.</summary>
public sealed class Block : ICanonical<Block>
{
    public const byte Version = 1;

    /// <summary>The largest block a decoder accepts, whatever the chain's parameters (which may only be smaller).</summary>
    public const int MaxEncodedSize = 64 * 1024 * 1024;
    private const int MaxTransactionCount = 100_000;

    public Block(BlockHeader header, IReadOnlyList<SignedTransaction> transactions)
    {
        Header = header;
        Transactions = transactions;
    }

    public BlockHeader Header { get; }

    public IReadOnlyList<SignedTransaction> Transactions { get; }

    public Hash32 Hash => Header.Hash;

    public static Hash32 ComputeTransactionsRoot(IReadOnlyList<SignedTransaction> transactions) =>
        MerkleTree.ComputeRoot(TransactionHashes(transactions));

    public static Hash32[] TransactionHashes(IReadOnlyList<SignedTransaction> transactions)
    {
        var hashes = new Hash32[transactions.Count];
        for (int i = 0; i < hashes.Length; i++)
        {
            hashes[i] = transactions[i].Hash;
        }
        return hashes;
    }

    public MerkleProof ProveTransaction(int index) => MerkleTree.Prove(TransactionHashes(Transactions), index);

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        Header.Write(ref writer);
        writer.WriteLength(Transactions.Count);
        foreach (var tx in Transactions)
        {
            writer.WriteBytes(tx.Encoded);
        }
    }

    public static Block Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "block");
        var header = BlockHeader.Read(ref reader);
        int count = reader.ReadLength(MaxTransactionCount);
        var transactions = new SignedTransaction[count];
        for (int i = 0; i < count; i++)
        {
            transactions[i] = SignedTransaction.Decode(reader.ReadBytes(SignedTransaction.MaxEncodedSize));
        }
        return new Block(header, transactions);
    }

    public byte[] Encode() => Canonical.Encode(this);

    public static Block Decode(ReadOnlySpan<byte> bytes) => Canonical.Decode<Block>(bytes, MaxEncodedSize);
}
