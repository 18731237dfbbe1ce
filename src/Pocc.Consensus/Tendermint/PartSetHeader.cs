using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// How a proposed block travels: its canonical encoding cut into <see cref="Total"/> parts of <see cref="PartSize"/>
/// bytes (the last shorter), with <see cref="Root"/> the Merkle root over them. A proposal signs it next to the block
/// hash (CometBFT's block id), so each part can be checked against the proposer's signature before the block is whole.
/// </summary>
public readonly record struct PartSetHeader(int Total, Hash32 Root)
{
    /// <summary>Every part but the last is exactly this long: small enough for the transport's default frame limit.</summary>
    public const int PartSize = 64 * 1024;

    /// <summary>The parts of the largest block a decoder accepts.</summary>
    public const int MaxTotal = (Block.MaxEncodedSize + PartSize - 1) / PartSize;

    public const int EncodedSize = 4 + Hash32.Size;

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU32(checked((uint)Total));
        writer.WriteHash(Root);
    }

    public static PartSetHeader Read(ref CanonicalReader reader)
    {
        uint total = reader.ReadU32();
        if (total is 0 or > MaxTotal)
        {
            throw new CodecException(CodecException.InvalidValue, $"part set of {total} parts is outside 1..{MaxTotal}");
        }
        return new PartSetHeader((int)total, reader.ReadHash());
    }
}
