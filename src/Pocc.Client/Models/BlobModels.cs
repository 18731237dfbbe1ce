namespace Pocc.Client.Models;

/// <summary>A stored blob: its root, size in bytes and number of 256 KiB chunks.</summary>
public sealed record BlobModel(string Root, long Size, int Chunks);

/// <summary>One chunk of a blob, base64-encoded, with its Merkle proof against the blob's root.</summary>
public sealed record BlobChunkModel(string Root, int Index, int ChunkCount, long Size, string Data, MerkleProofModel Proof);
