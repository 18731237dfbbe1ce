namespace Pocc.Storage.Blobs;

/// <summary>A blob operation refused for a reason the caller can act on. <see cref="Code"/> is stable for APIs and the CLI.</summary>
public sealed class BlobException : Exception
{
    /// <summary>The content is larger than the limit it was offered under.</summary>
    public const string TooLarge = "blob.too_large";

    /// <summary>The content does not hash to the root the caller asserted.</summary>
    public const string RootMismatch = "blob.root_mismatch";

    /// <summary>No blob with that root is stored here.</summary>
    public const string NotFound = "blob.not_found";

    /// <summary>The text is not a root (64 hexadecimal characters).</summary>
    public const string InvalidRoot = "blob.invalid_root";

    /// <summary>The blob has no chunk at that index.</summary>
    public const string ChunkNotFound = "blob.chunk_not_found";

    /// <summary>The stored bytes no longer hash to their root (disk damage or outside tampering).</summary>
    public const string Corrupt = "blob.corrupt";

    public BlobException(string code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    public string Code { get; }
}
