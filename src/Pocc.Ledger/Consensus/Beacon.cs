using System.Text;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Consensus;

/// <summary>
/// The chain's random beacon: every block's proposer proves ECVRF over the previous beacon, and the block's beacon is
/// BLAKE3 of the VRF output. The output is unique for the key and input, so a proposer cannot grind it (its only choice
/// is to withhold the block), and nobody knows it before the proposer reveals it. Genesis seeds the chain.
/// </summary>
public static class Beacon
{
    private static readonly byte[] AlphaTag = Encoding.ASCII.GetBytes("pocc/beacon/v1");
    private static readonly byte[] GenesisTag = Encoding.ASCII.GetBytes("pocc/beacon/genesis/v1");

    /// <summary>The beacon before block 1: BLAKE3(tag ‖ genesis hash).</summary>
    public static Hash32 Genesis(Hash32 genesisHash)
    {
        var writer = new CanonicalWriter(64);
        writer.WriteFixed(GenesisTag);
        writer.WriteHash(genesisHash);
        return Blake3Hash.Of(writer.ToArray());
    }

    /// <summary>What the proposer of block <paramref name="height"/> proves: tag ‖ chain id ‖ height ‖ previous beacon.</summary>
    public static byte[] Alpha(ChainId chainId, Height height, Hash32 previous)
    {
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(AlphaTag);
        writer.WriteString(chainId.Value);
        writer.WriteU64(height.Value);
        writer.WriteHash(previous);
        return writer.ToArray();
    }

    /// <summary>The beacon a proof yields; only meaningful once the proof has been verified.</summary>
    public static Hash32 FromProof(VrfProof proof) => Blake3Hash.Of(Ecvrf.ProofToHash(proof).Bytes);

    /// <summary>Verifies <paramref name="proof"/> under the proposer's key and returns the new beacon.</summary>
    /// <exception cref="LedgerException"><see cref="LedgerErrors.BlockBadBeacon"/> if the proof does not verify.</exception>
    public static Hash32 Verify(PublicKey proposerKey, VrfProof proof, ReadOnlySpan<byte> alpha)
    {
        if (!Ecvrf.Verify(proposerKey, proof, alpha, out var output))
        {
            throw new LedgerException(LedgerErrors.BlockBadBeacon, "the block's beacon proof does not verify under its proposer's key");
        }
        return Blake3Hash.Of(output.Bytes);
    }
}
