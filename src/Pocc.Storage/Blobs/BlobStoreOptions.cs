namespace Pocc.Storage.Blobs;

/// <summary>Limits of a node's <see cref="BlobStore"/> (configuration section "Blobs").</summary>
public sealed record BlobStoreOptions
{
    public const string Section = "Blobs";

    /// <summary>The largest blob the node accepts over its API (256 MiB unless configured).</summary>
    public long MaxBlobBytes { get; init; } = 256L * 1024 * 1024;
}
