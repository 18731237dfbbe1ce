using System.Buffers;
using System.Buffers.Binary;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Storage.Blobs;

/// <summary>
/// The node's content-addressed blob store: one file per blob under <see cref="Directory"/>, at
/// <c>ab/cd/&lt;root-hex&gt;</c> (the first two bytes of the root fan the files out), holding exactly the blob's bytes,
/// next to a small <c>&lt;root-hex&gt;.leaves</c> sidecar with the size and the chunk leaf hashes so a chunk proof
/// never needs the whole blob re-read. A put streams into <c>tmp/</c>, hashing chunk by chunk, fsyncs and only then
/// renames into place, so a file under its root's name is always complete and always hashes to that root; a crash
/// leaves at most a stray temp file, removed when the store is next opened (and, at worst, a lost name for a blob the
/// sender was never told was stored). Thread-safe: writers never share a file, and the final rename is atomic.
/// One store per directory: opening a second one on the same directory discards the first one's unfinished puts.
/// </summary>
public sealed class BlobStore
{
    private const string TempDirectoryName = "tmp";
    private const string TempSuffix = ".part";
    private const string LeavesSuffix = ".leaves";
    private const uint LeavesMagic = 0x706F6C62; // "polb"
    private const byte LeavesVersion = 1;
    private const int LeavesHeaderSize = 4 + 1 + 8 + 4;

    private readonly string _tempDirectory;

    public BlobStore(string directory, BlobStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        Options = options ?? new BlobStoreOptions();
        _tempDirectory = Path.Combine(Directory, TempDirectoryName);
        System.IO.Directory.CreateDirectory(Directory);
        if (System.IO.Directory.Exists(_tempDirectory))
        {
            // Left by a crash or kill in the middle of a put; nothing refers to them.
            foreach (var stale in System.IO.Directory.EnumerateFiles(_tempDirectory))
            {
                File.Delete(stale);
            }
        }
        System.IO.Directory.CreateDirectory(_tempDirectory);
    }

    public string Directory { get; }

    public BlobStoreOptions Options { get; }

    /// <summary>
    /// Stores everything <paramref name="content"/> yields and returns its identity. Fails with
    /// <see cref="BlobException.TooLarge"/> as soon as more than <paramref name="maxBytes"/> arrive, and with
    /// <see cref="BlobException.RootMismatch"/> if the content does not hash to <paramref name="expectedRoot"/>; either
    /// way, and on cancellation or I/O failure, nothing is left behind. Storing a blob that is already here is a no-op.
    /// </summary>
    public async Task<BlobId> PutAsync(Stream content, long maxBytes, Hash32? expectedRoot = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        maxBytes = Math.Min(maxBytes, BlobId.MaxSize);
        string tempData = Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N") + TempSuffix);
        string tempLeaves = tempData + LeavesSuffix;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlobId.ChunkSize);
        try
        {
            using var hasher = new BlobHasher();
            BlobId id;
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0, // writes are whole chunks already
            };
            await using (var file = new FileStream(tempData, fileOptions))
            {
                bool end = false;
                while (!end)
                {
                    int filled = 0;
                    while (filled < BlobId.ChunkSize)
                    {
                        int read = await content.ReadAsync(buffer.AsMemory(filled, BlobId.ChunkSize - filled), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            end = true;
                            break;
                        }
                        filled += read;
                        if (hasher.Size + filled > maxBytes)
                        {
                            throw new BlobException(BlobException.TooLarge, $"the blob is larger than the limit of {maxBytes} bytes");
                        }
                    }
                    if (filled > 0)
                    {
                        hasher.Append(buffer.AsSpan(0, filled));
                        await file.WriteAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                    }
                }
                id = hasher.Complete();
                if (expectedRoot is { } expected && expected != id.Root)
                {
                    throw new BlobException(BlobException.RootMismatch, $"the {id.Size} bytes received hash to {id.Root}, not the expected {expected}");
                }
                if (Exists(id.Root))
                {
                    return id;
                }
                file.Flush(flushToDisk: true);
            }

            WriteLeaves(tempLeaves, id, hasher.LeafHashes);
            string dataPath = DataPath(id.Root);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(dataPath)!);
            // The sidecar goes first, so a blob under its final name normally has one; its content is a function of the
            // root, so replacing one written by a concurrent put of the same blob changes nothing.
            File.Move(tempLeaves, LeavesPath(id.Root), overwrite: true);
            try
            {
                File.Move(tempData, dataPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(dataPath))
            {
                // A concurrent put of the same content got there first: same root, same bytes.
            }
            return id;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            DeleteQuietly(tempData);
            DeleteQuietly(tempLeaves);
        }
    }

    /// <summary>
    /// A read-write scratch file in the store's temporary directory (e.g. to assemble a blob fetched chunk by chunk before
    /// <see cref="PutAsync"/>): deleted when closed, and by the next start if the process is killed first.
    /// </summary>
    public FileStream CreateScratchFile() =>
        new(Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N") + TempSuffix), new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        });

    public bool Exists(Hash32 root) => File.Exists(DataPath(root));

    /// <summary>The blob's identity if it is stored here, from the file's length (no read).</summary>
    public BlobId? GetInfo(Hash32 root)
    {
        var file = new FileInfo(DataPath(root));
        return file.Exists ? new BlobId(root, file.Length) : null;
    }

    /// <summary>The stored bytes, unchecked (they were checked when stored); see <see cref="OpenVerifiedRead"/>.</summary>
    public Stream OpenRead(Hash32 root)
    {
        try
        {
            return new FileStream(DataPath(root), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(root);
        }
    }

    /// <summary>The stored bytes, re-hashed as they are read: reading to the end throws <see cref="BlobException.Corrupt"/> if the file was damaged.</summary>
    public Stream OpenVerifiedRead(Hash32 root)
    {
        var file = OpenRead(root);
        return new VerifyingBlobStream(file, root, file.Length, leaveOpen: false, BlobException.Corrupt);
    }

    /// <summary>Re-hashes the whole stored blob; throws <see cref="BlobException.Corrupt"/> unless it still hashes to <paramref name="root"/>.</summary>
    public async Task<BlobId> VerifyAsync(Hash32 root, CancellationToken cancellationToken = default)
    {
        var stream = (VerifyingBlobStream)OpenVerifiedRead(root);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(Stream.Null, BlobId.ChunkSize, cancellationToken).ConfigureAwait(false);
            return stream.Verified!.Value;
        }
    }

    /// <summary>
    /// Chunk <paramref name="index"/> with its proof against the root. The chunk is re-hashed against the stored
    /// leaf, so a damaged file yields <see cref="BlobException.Corrupt"/>, never a chunk that fails the caller's check.
    /// </summary>
    public async Task<BlobChunk> ReadChunkAsync(Hash32 root, int index, CancellationToken cancellationToken = default)
    {
        var (id, leaves) = await LoadLeavesAsync(root, cancellationToken).ConfigureAwait(false);
        if (index < 0 || index >= id.ChunkCount)
        {
            throw new BlobException(BlobException.ChunkNotFound, $"blob {root} has {id.ChunkCount} chunks; there is no chunk {index}");
        }
        var data = new byte[id.ChunkLength(index)];
        var stream = (FileStream)OpenRead(root);
        await using (stream.ConfigureAwait(false))
        {
            int read = await RandomAccess.ReadAsync(stream.SafeFileHandle, data, id.ChunkOffset(index), cancellationToken).ConfigureAwait(false);
            int total = read;
            while (read > 0 && total < data.Length)
            {
                read = await RandomAccess.ReadAsync(stream.SafeFileHandle, data.AsMemory(total), id.ChunkOffset(index) + total, cancellationToken).ConfigureAwait(false);
                total += read;
            }
            if (total != data.Length || Blake3Hash.Leaf(data) != leaves[index])
            {
                throw Corrupt(root, $"chunk {index} no longer matches its leaf hash");
            }
        }
        return new BlobChunk(id, index, data, MerkleTree.Prove(leaves, index));
    }

    /// <summary>
    /// Whether <paramref name="chunk"/> is chunk <paramref name="chunkIndex"/> of a blob with <paramref name="root"/>
    /// and <paramref name="chunkCount"/> chunks. The count must come from a committed size (see <see cref="BlobId"/>),
    /// not from the proof. Only the last chunk may be shorter than <see cref="BlobId.ChunkSize"/>; use the
    /// <see cref="BlobId"/> overload to pin its exact length too.
    /// </summary>
    public static bool VerifyChunk(Hash32 root, int chunkIndex, int chunkCount, ReadOnlySpan<byte> chunk, MerkleProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (chunkCount <= 0 || chunkIndex < 0 || chunkIndex >= chunkCount)
        {
            return false;
        }
        if (proof.LeafIndex != chunkIndex || proof.LeafCount != chunkCount)
        {
            return false;
        }
        bool last = chunkIndex == chunkCount - 1;
        if (chunk.IsEmpty || chunk.Length > BlobId.ChunkSize || (!last && chunk.Length != BlobId.ChunkSize))
        {
            return false;
        }
        return proof.Verify(root, Blake3Hash.Leaf(chunk));
    }

    /// <summary>Whether <paramref name="chunk"/> is chunk <paramref name="chunkIndex"/> of <paramref name="blob"/>, length included.</summary>
    public static bool VerifyChunk(BlobId blob, int chunkIndex, ReadOnlySpan<byte> chunk, MerkleProof proof) =>
        chunkIndex >= 0 && chunkIndex < blob.ChunkCount && chunk.Length == blob.ChunkLength(chunkIndex)
        && VerifyChunk(blob.Root, chunkIndex, blob.ChunkCount, chunk, proof);

    /// <summary>A root from its text form (64 hexadecimal characters, optionally 0x-prefixed).</summary>
    public static Hash32 ParseRoot(string? text) =>
        Hash32.TryParse(text, out var root)
            ? root
            : throw new BlobException(BlobException.InvalidRoot, $"'{text}' is not a blob root (64 hexadecimal characters)");

    private string DataPath(Hash32 root)
    {
        string hex = root.ToString();
        return Path.Combine(Directory, hex[..2], hex[2..4], hex);
    }

    private string LeavesPath(Hash32 root) => DataPath(root) + LeavesSuffix;

    private async Task<(BlobId Id, Hash32[] Leaves)> LoadLeavesAsync(Hash32 root, CancellationToken cancellationToken)
    {
        var id = GetInfo(root) ?? throw NotFound(root);
        if (TryReadLeaves(LeavesPath(root), id) is { } leaves)
        {
            return (id, leaves);
        }
        // The sidecar is missing or damaged (a crash between the two renames, or outside interference): rebuild it
        // from the data, which must still hash to its root.
        using var hasher = new BlobHasher();
        var stream = OpenRead(root);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BlobId.ChunkSize);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, BlobId.ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hasher.Append(buffer.AsSpan(0, read));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        var rebuilt = hasher.Complete();
        if (rebuilt != id)
        {
            throw Corrupt(root, $"the stored bytes hash to {rebuilt.Root}");
        }
        string temp = Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N") + LeavesSuffix + TempSuffix);
        try
        {
            WriteLeaves(temp, id, hasher.LeafHashes);
            File.Move(temp, LeavesPath(root), overwrite: true);
        }
        finally
        {
            DeleteQuietly(temp);
        }
        return (id, [.. hasher.LeafHashes]);
    }

    private static Hash32[]? TryReadLeaves(string path, BlobId id)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        int count = id.ChunkCount;
        if (bytes.Length != LeavesHeaderSize + (long)count * Hash32.Size
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != LeavesMagic
            || bytes[4] != LeavesVersion
            || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(5)) != id.Size
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(13)) != count)
        {
            return null;
        }
        var leaves = new Hash32[count];
        for (int i = 0; i < count; i++)
        {
            leaves[i] = new Hash32(bytes.AsSpan(LeavesHeaderSize + i * Hash32.Size, Hash32.Size));
        }
        return MerkleTree.ComputeRoot(leaves) == id.Root ? leaves : null;
    }

    private static void WriteLeaves(string path, BlobId id, IReadOnlyList<Hash32> leaves)
    {
        var bytes = new byte[LeavesHeaderSize + leaves.Count * Hash32.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, LeavesMagic);
        bytes[4] = LeavesVersion;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(5), id.Size);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(13), leaves.Count);
        for (int i = 0; i < leaves.Count; i++)
        {
            leaves[i].CopyTo(bytes.AsSpan(LeavesHeaderSize + i * Hash32.Size));
        }
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the next open of the store clears tmp/.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static BlobException NotFound(Hash32 root) => new(BlobException.NotFound, $"no blob {root} is stored here");

    private static BlobException Corrupt(Hash32 root, string detail) => new(BlobException.Corrupt, $"stored blob {root} is damaged: {detail}");
}
