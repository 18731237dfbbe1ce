using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Engine.Bft;

/// <summary>
/// The parts of one proposed block (see <see cref="PartSetHeader"/>): made whole from a block by its proposer, or
/// filled part by part by a receiver, which keeps a part only if its Merkle proof reaches the signed root.
/// </summary>
public sealed class BlockPartSet
{
    private readonly byte[]?[] _parts;
    private readonly MerkleProof?[] _proofs;
    // Only a set cut from a whole block has them: proofs of its parts are made when first sent.
    private readonly Hash32[]? _leaves;

    /// <summary>An empty set to fill with <see cref="Add"/>.</summary>
    public BlockPartSet(PartSetHeader header)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(header.Total, 1, nameof(header));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(header.Total, PartSetHeader.MaxTotal, nameof(header));
        Header = header;
        _parts = new byte[header.Total][];
        _proofs = new MerkleProof[header.Total];
    }

    private BlockPartSet(byte[][] parts, Hash32[] leaves)
    {
        Header = new PartSetHeader(parts.Length, MerkleTree.ComputeRoot(leaves));
        _parts = parts;
        _proofs = new MerkleProof[parts.Length];
        _leaves = leaves;
        Count = parts.Length;
    }

    public PartSetHeader Header { get; }

    /// <summary>How many parts are here.</summary>
    public int Count { get; private set; }

    public bool IsComplete => Count == Header.Total;

    /// <summary>The canonical encoding of <paramref name="block"/> cut into parts; every node cuts a block the same way.</summary>
    public static BlockPartSet FromBlock(Block block)
    {
        byte[] encoded = block.Encode();
        var parts = new byte[(encoded.Length + PartSetHeader.PartSize - 1) / PartSetHeader.PartSize][];
        for (int i = 0; i < parts.Length; i++)
        {
            int start = i * PartSetHeader.PartSize;
            parts[i] = encoded[start..Math.Min(encoded.Length, start + PartSetHeader.PartSize)];
        }
        return new BlockPartSet(parts, MerkleTree.HashLeaves(parts));
    }

    /// <summary>
    /// Keeps <paramref name="part"/> if it belongs here: its proof names this set's count and its index, its length is
    /// <see cref="PartSetHeader.PartSize"/> (the last part 1 to that), and its proof reaches <see cref="PartSetHeader.Root"/>.
    /// </summary>
    public PartVerdict Add(BlockPartMessage part, out string? reason)
    {
        var proof = part.Proof;
        int index = proof.LeafIndex;
        reason = null;
        if (proof.LeafCount != Header.Total)
        {
            reason = $"part {index} of {proof.LeafCount} does not fit a set of {Header.Total}";
            return PartVerdict.Invalid;
        }
        int length = part.Bytes.Length;
        if (index < Header.Total - 1 ? length != PartSetHeader.PartSize : length is 0 or > PartSetHeader.PartSize)
        {
            reason = $"part {index} of {Header.Total} is {length} bytes";
            return PartVerdict.Invalid;
        }
        if (!proof.Verify(Header.Root, Blake3Hash.Leaf(part.Bytes)))
        {
            reason = $"part {index} does not prove against root {Header.Root}";
            return PartVerdict.Invalid;
        }
        if (_parts[index] is not null)
        {
            return PartVerdict.Duplicate;
        }
        _parts[index] = part.Bytes;
        _proofs[index] = proof;
        Count++;
        return PartVerdict.Added;
    }

    /// <summary>The parts here as messages of the proposal at <paramref name="height"/> and <paramref name="round"/>.</summary>
    public IEnumerable<BlockPartMessage> Messages(Height height, int round)
    {
        for (int i = 0; i < _parts.Length; i++)
        {
            if (_parts[i] is { } bytes)
            {
                yield return new BlockPartMessage(height, round, bytes, _proofs[i] ??= MerkleTree.Prove(_leaves!, i));
            }
        }
    }

    /// <summary>The block the complete set encodes, or null if its bytes are not a canonical block.</summary>
    public Block? Decode()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException($"{Count} of {Header.Total} parts are here");
        }
        var bytes = new byte[_parts.Sum(part => (long)part!.Length)];
        int offset = 0;
        foreach (var part in _parts)
        {
            part!.CopyTo(bytes, offset);
            offset += part.Length;
        }
        try
        {
            return Block.Decode(bytes);
        }
        catch (CodecException)
        {
            return null;
        }
    }
}

/// <summary>What <see cref="BlockPartSet.Add"/> made of a part.</summary>
public enum PartVerdict
{
    Added,
    Duplicate,
    Invalid,
}
