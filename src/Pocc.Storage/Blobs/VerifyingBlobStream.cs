using Pocc.Core.Hashing;

namespace Pocc.Storage.Blobs;

/// <summary>
/// A read-only, forward-only view of a blob's bytes that hashes them as they pass and, on reaching the end, throws
/// <see cref="BlobException"/> unless they make up the expected blob. Whoever reads it to the end (for example with
/// <see cref="Stream.CopyToAsync(Stream)"/>) has either received exactly that blob or an exception; nothing read before
/// the end is vouched for, so write it somewhere provisional and commit it only after the end.
/// </summary>
public sealed class VerifyingBlobStream : Stream
{
    private readonly Stream _inner;
    private readonly Hash32 _expectedRoot;
    private readonly long? _expectedSize;
    private readonly bool _leaveOpen;
    private readonly string _mismatchCode;
    private readonly BlobHasher _hasher = new();
    private BlobId? _verified;
    private BlobException? _failure;

    /// <param name="expectedSize">When known, more bytes than this fail at once instead of at the end.</param>
    public VerifyingBlobStream(Stream inner, Hash32 expectedRoot, long? expectedSize = null, bool leaveOpen = false)
        : this(inner, expectedRoot, expectedSize, leaveOpen, BlobException.RootMismatch)
    {
    }

    internal VerifyingBlobStream(Stream inner, Hash32 expectedRoot, long? expectedSize, bool leaveOpen, string mismatchCode)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _expectedRoot = expectedRoot;
        _expectedSize = expectedSize;
        _leaveOpen = leaveOpen;
        _mismatchCode = mismatchCode;
    }

    /// <summary>The blob's identity once the end has been read and matched; null before.</summary>
    public BlobId? Verified => _verified;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _hasher.Size; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_verified is not null)
        {
            return 0;
        }
        ThrowIfFailed();
        int read = _inner.Read(buffer);
        Observe(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_verified is not null)
        {
            return 0;
        }
        ThrowIfFailed();
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..read]);
        return read;
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            var id = _hasher.Complete();
            if (id.Root != _expectedRoot || (_expectedSize is { } size && size != id.Size))
            {
                _failure = new BlobException(_mismatchCode, $"the {id.Size} bytes read hash to {id.Root}, not the expected blob {_expectedRoot}");
                throw _failure;
            }
            _verified = id;
            return;
        }
        if (_expectedSize is { } expected && _hasher.Size + data.Length > expected)
        {
            _failure = new BlobException(_mismatchCode, $"more than the expected {expected} bytes of blob {_expectedRoot}");
            throw _failure;
        }
        _hasher.Append(data);
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new BlobException(_failure.Code, _failure.Message);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hasher.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
