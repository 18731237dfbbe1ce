using Pocc.Core.Addressing;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Blocks;

/// <summary>
/// A block's header. Its hash is the block's id. <see cref="StateRoot"/> is the root of the state after this
/// block's transactions; <see cref="TransactionsRoot"/> is the Merkle root of their ids, so one header proves both.
/// <see cref="TimestampMs"/> is the proposer's claim, recorded but never read by the state transition.
/// <see cref="BeaconProof"/> is the proposer's VRF proof over the previous beacon (see <see cref="Consensus.Beacon"/>).
/// </summary>
public sealed record BlockHeader(
    ChainId ChainId,
    Height Height,
    ulong TimestampMs,
    Hash32 PreviousHash,
    Hash32 LastCommitHash,
    Hash32 TransactionsRoot,
    uint TransactionCount,
    Hash32 StateRoot,
    Address Proposer,
    VrfProof BeaconProof) : ICanonical<BlockHeader>
{
    /// <summary>Version 2 added <see cref="BeaconProof"/>; version 1 headers are no longer accepted.</summary>
    public const byte Version = 2;
    public const int MaxEncodedSize = 512;

    // A cache of the encoding's hash. It is not part of the header: `with` starts without it (see the copy
    // constructor) and equality ignores it.
    private Hash32? _hash;

    public Hash32 Hash => _hash ??= Blake3Hash.Of(Canonical.Encode(this));

    private BlockHeader(BlockHeader original)
    {
        ChainId = original.ChainId;
        Height = original.Height;
        TimestampMs = original.TimestampMs;
        PreviousHash = original.PreviousHash;
        LastCommitHash = original.LastCommitHash;
        TransactionsRoot = original.TransactionsRoot;
        TransactionCount = original.TransactionCount;
        StateRoot = original.StateRoot;
        Proposer = original.Proposer;
        BeaconProof = original.BeaconProof;
    }

    public bool Equals(BlockHeader? other) =>
        other is not null && ChainId == other.ChainId && Height == other.Height && TimestampMs == other.TimestampMs
        && PreviousHash == other.PreviousHash && LastCommitHash == other.LastCommitHash && TransactionsRoot == other.TransactionsRoot
        && TransactionCount == other.TransactionCount && StateRoot == other.StateRoot && Proposer == other.Proposer
        && BeaconProof == other.BeaconProof;

    public override int GetHashCode() => HashCode.Combine(Height, PreviousHash, TransactionsRoot, StateRoot);

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteString(ChainId.Value);
        writer.WriteU64(Height.Value);
        writer.WriteU64(TimestampMs);
        writer.WriteHash(PreviousHash);
        writer.WriteHash(LastCommitHash);
        writer.WriteHash(TransactionsRoot);
        writer.WriteU32(TransactionCount);
        writer.WriteHash(StateRoot);
        writer.WriteAddress(Proposer);
        writer.WriteFixed(BeaconProof.Bytes);
    }

    public static BlockHeader Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "block header");
        string chainId = reader.ReadString(ChainId.MaxLength);
        if (!ChainId.IsValid(chainId))
        {
            throw new CodecException(CodecException.InvalidValue, "block header chain id is malformed");
        }
        return new BlockHeader(
            new ChainId(chainId),
            new Height(reader.ReadU64()),
            reader.ReadU64(),
            reader.ReadHash(),
            reader.ReadHash(),
            reader.ReadHash(),
            reader.ReadU32(),
            reader.ReadHash(),
            reader.ReadAddress(),
            new VrfProof(reader.ReadFixed(VrfProof.Size)));
    }
}
