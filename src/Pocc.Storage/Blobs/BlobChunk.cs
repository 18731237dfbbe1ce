using Pocc.Core.Merkle;

namespace Pocc.Storage.Blobs;

/// <summary>Chunk <see cref="Index"/> of <see cref="Blob"/> with the Merkle proof that takes it to the blob's root.</summary>
public sealed record BlobChunk(BlobId Blob, int Index, byte[] Data, MerkleProof Proof)
{
    public int ChunkCount => Blob.ChunkCount;

    /// <summary>Whether the data and proof check out against <see cref="Blob"/>'s root, count and chunk length.</summary>
    public bool Verify() => BlobStore.VerifyChunk(Blob, Index, Data, Proof);
}
