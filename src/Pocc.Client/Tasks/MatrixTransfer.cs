using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Pocc.Core.Matrices;
using Pocc.Ledger.Tasks;

namespace Pocc.Client.Tasks;

/// <summary>
/// Matrices to and from a node's blob store: downloads are checked against their root and decoded as they stream in
/// (one copy of the matrix in memory, not two); uploads are hashed here first so the node refuses damaged bytes.
/// </summary>
public static class MatrixTransfer
{
    private const int PipeBufferBytes = 4 << 20;

    /// <summary>
    /// Downloads blob <paramref name="blob"/> and decodes it as a matrix. Throws <see cref="PoccClientException"/> when
    /// the node does not have it or sends other bytes, and <see cref="MatrixFormatException"/> when the bytes, although
    /// exactly the blob, are not a matrix blob of the stated size.
    /// </summary>
    public static async Task<Matrix> DownloadMatrixAsync(this PoccClient client, BlobRef blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (blob.Size < MatrixCodec.HeaderSize)
        {
            throw new MatrixFormatException(MatrixFormatException.Truncated, $"blob {blob.Root} has {blob.Size} bytes, less than a matrix header");
        }
        long maxPayload = (long)Math.Min(blob.Size - MatrixCodec.HeaderSize, long.MaxValue);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBufferBytes, resumeWriterThreshold: PipeBufferBytes / 2, useSynchronizationContext: false));
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var download = Task.Run(async () =>
        {
            try
            {
                var received = await client.GetBlobAsync(blob.Root, pipe.Writer.AsStream(leaveOpen: true), abandon.Token).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
                return received;
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, CancellationToken.None);

        Matrix matrix;
        try
        {
            matrix = await MatrixCodec.ReadFromAsync(pipe.Reader.AsStream(leaveOpen: true), maxPayload, abandon.Token).ConfigureAwait(false);
        }
        catch (Exception decodeError)
        {
            // A failed download shows up here as the pipe's error; otherwise the bytes were wrong and the rest of
            // the download is not needed.
            await abandon.CancelAsync().ConfigureAwait(false);
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            Exception? downloadError = null;
            try
            {
                await download.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // We cancelled it.
            }
            catch (Exception e)
            {
                downloadError = e;
            }
            if (downloadError is PoccClientException && !ReferenceEquals(downloadError, decodeError))
            {
                ExceptionDispatchInfo.Throw(downloadError);
            }
            if (decodeError is OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            throw;
        }
        await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        // The matrix is only trusted once the whole download matched the root.
        var id = await download.ConfigureAwait(false);
        if ((ulong)id.Size != blob.Size)
        {
            throw new PoccClientException($"blob {blob.Root} is {id.Size} bytes, but the chain says {blob.Size}");
        }
        return matrix;
    }

    /// <summary>Downloads blob <paramref name="blob"/> and checks it holds a <paramref name="rows"/>×<paramref name="cols"/> matrix of <paramref name="type"/>.</summary>
    public static async Task<Matrix> DownloadMatrixAsync(this PoccClient client, BlobRef blob, MatrixElementType type, uint rows, uint cols,
        CancellationToken cancellationToken = default)
    {
        var matrix = await client.DownloadMatrixAsync(blob, cancellationToken).ConfigureAwait(false);
        if (matrix.ElementType != type || (uint)matrix.Rows != rows || (uint)matrix.Cols != cols)
        {
            throw new MatrixFormatException(MatrixFormatException.BadDimensions,
                $"blob {blob.Root} holds a {matrix.Shape} matrix, not {rows}×{cols} {Matrix.ElementTypeName(type)}");
        }
        return matrix;
    }

    /// <summary>Encodes and uploads <paramref name="matrix"/>; returns the blob's root and size as the chain refers to it.</summary>
    public static async Task<BlobRef> UploadMatrixAsync(this PoccClient client, Matrix matrix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(matrix);
        var stored = await client.PutBlobAsync(MatrixCodec.Encode(matrix), cancellationToken).ConfigureAwait(false);
        return new BlobRef(Core.Hashing.Hash32.Parse(stored.Root), (ulong)stored.Size);
    }
}
