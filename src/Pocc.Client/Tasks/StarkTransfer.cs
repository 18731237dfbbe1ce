using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Client.Tasks;

/// <summary>
/// The blobs of STARK tasks to and from a node: the requester's inputs, the worker's result (outputs and proof).
/// Downloads are checked against their root and decoded with <see cref="StarkTaskBlobs"/>, which throws
/// <see cref="CodecException"/> for bytes that are exactly the blob but not a valid one.
/// </summary>
public static class StarkTransfer
{
    /// <summary>Encodes and uploads the inputs of <paramref name="computation"/>; returns the blob as the chain refers to it.</summary>
    public static async Task<BlobRef> UploadStarkInputsAsync(this PoccClient client, StarkComputation computation, IReadOnlyList<Goldilocks> inputs,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return await client.UploadAsync(StarkTaskBlobs.EncodeInputs(computation, [.. inputs]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a result blob made with <see cref="StarkTaskBlobs.EncodeResult"/>.</summary>
    public static Task<BlobRef> UploadStarkResultAsync(this PoccClient client, byte[] result, CancellationToken cancellationToken = default) =>
        client.UploadAsync(result, cancellationToken);

    public static async Task<Goldilocks[]> DownloadStarkInputsAsync(this PoccClient client, StarkComputation computation, BlobRef blob,
        CancellationToken cancellationToken = default)
    {
        var bytes = await client.DownloadSmallBlobAsync(blob, StarkTaskBlobs.InputsSize(computation), cancellationToken).ConfigureAwait(false);
        return StarkTaskBlobs.DecodeInputs(computation, bytes);
    }

    public static async Task<(Goldilocks[] Outputs, byte[] Proof)> DownloadStarkResultAsync(this PoccClient client, BlobRef blob,
        CancellationToken cancellationToken = default)
    {
        var bytes = await client.DownloadSmallBlobAsync(blob, StarkTaskBlobs.MaxResultSize, cancellationToken).ConfigureAwait(false);
        return StarkTaskBlobs.DecodeResult(bytes);
    }

    private static async Task<BlobRef> UploadAsync(this PoccClient client, byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var stored = await client.PutBlobAsync(bytes, cancellationToken).ConfigureAwait(false);
        return new BlobRef(Hash32.Parse(stored.Root), (ulong)stored.Size);
    }

    /// <summary>The whole of a blob of at most <paramref name="maxSize"/> bytes, after it matched its root and the chain's size.</summary>
    private static async Task<byte[]> DownloadSmallBlobAsync(this PoccClient client, BlobRef blob, int maxSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (blob.Size > (ulong)maxSize)
        {
            throw new CodecException(CodecException.TooLarge, $"blob {blob.Root} has {blob.Size} bytes, more than the {maxSize} it may have");
        }
        using var buffer = new MemoryStream((int)blob.Size);
        var received = await client.GetBlobAsync(blob.Root, buffer, cancellationToken).ConfigureAwait(false);
        if ((ulong)received.Size != blob.Size)
        {
            throw new PoccClientException($"blob {blob.Root} is {received.Size} bytes, but the chain says {blob.Size}");
        }
        return buffer.ToArray();
    }
}
