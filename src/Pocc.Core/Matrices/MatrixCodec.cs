// The matrix blob format, version 1 (all integers little-endian):
//
//   offset  size  field
//   0       4     magic "PMAT" (0x50 0x4D 0x41 0x54)
//   4       1     version = 1
//   5       1     element type: 1 = f64 (IEEE-754 binary64), 2 = mod61 (u64 below p = 2^61 − 1)
//   6       4     rows (u32, ≥ 1)
//   10      4     cols (u32, ≥ 1)
//   14      8·rows·cols   the elements in row-major order, 8 bytes each
//
// Exactly one encoding per matrix: no padding, no trailing bytes, mod61 elements are reduced, f64 elements are finite
// (NaN payloads would otherwise give many encodings of "the same" result). A blob's content hash is plain BLAKE3 of
// these bytes (MatrixCodec.HashEncoded).

using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pocc.Core.Hashing;
using Pocc.Core.Numerics;

namespace Pocc.Core.Matrices;

/// <summary>
/// The canonical matrix blob: "PMAT", u8 version 1, u8 element type, u32 rows, u32 cols, then rows·cols
/// little-endian 8-byte elements in row-major order. Decoding rejects anything else with a
/// <see cref="MatrixFormatException"/> whose code names the problem; streams are read and written in chunks so a
/// large matrix never needs a second full-size buffer.
/// </summary>
public static class MatrixCodec
{
    public const int HeaderSize = 14;
    public const byte Version = 1;
    public const int ElementSize = 8;

    /// <summary>The most elements one matrix may have in this implementation: its payload must fit in one byte array.</summary>
    public const int MaxElements = 0x7FFF_FFC7 / ElementSize;

    private const int ChunkBytes = 1 << 20;
    private const ulong ExponentMask = 0x7FF0_0000_0000_0000;

    /// <summary>The four magic bytes "PMAT".</summary>
    public static ReadOnlySpan<byte> Magic => "PMAT"u8;

    /// <summary>Header plus payload length of a rows×cols matrix.</summary>
    public static long EncodedLength(int rows, int cols) => HeaderSize + (long)rows * cols * ElementSize;

    /// <summary>The canonical blob of <paramref name="matrix"/>; throws <see cref="MatrixFormatException"/> (non_finite) for NaN or infinite elements.</summary>
    public static byte[] Encode(Matrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckEncodable(matrix);
        long length = EncodedLength(matrix.Rows, matrix.Cols);
        if (length > Array.MaxLength)
        {
            throw new MatrixFormatException(MatrixFormatException.TooLarge, $"a {matrix.Shape} matrix is {length} bytes encoded, more than one array holds; use WriteTo with a stream");
        }
        var blob = GC.AllocateUninitializedArray<byte>((int)length);
        WriteHeader(matrix, blob);
        CopyElementsLittleEndian(ElementBytes(matrix), blob.AsSpan(HeaderSize));
        return blob;
    }

    /// <summary>Writes the canonical blob to <paramref name="stream"/> in chunks.</summary>
    public static void WriteTo(Matrix matrix, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(stream);
        CheckEncodable(matrix);
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(matrix, header);
        stream.Write(header);
        ReadOnlySpan<byte> elements = ElementBytes(matrix);
        if (BitConverter.IsLittleEndian)
        {
            for (int start = 0; start < elements.Length; start += ChunkBytes)
            {
                stream.Write(elements.Slice(start, Math.Min(ChunkBytes, elements.Length - start)));
            }
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int start = 0; start < elements.Length; start += ChunkBytes)
            {
                int count = Math.Min(ChunkBytes, elements.Length - start);
                CopyElementsLittleEndian(elements.Slice(start, count), buffer);
                stream.Write(buffer, 0, count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the canonical blob to <paramref name="stream"/> in chunks, asynchronously.</summary>
    public static async Task WriteToAsync(Matrix matrix, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(stream);
        CheckEncodable(matrix);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            WriteHeader(matrix, buffer);
            await stream.WriteAsync(buffer.AsMemory(0, HeaderSize), cancellationToken).ConfigureAwait(false);
            long total = matrix.ElementCount * ElementSize;
            for (long start = 0; start < total; start += ChunkBytes)
            {
                int count = (int)Math.Min(ChunkBytes, total - start);
                CopyElementsLittleEndian(ElementBytes(matrix).Slice((int)start, count), buffer);
                await stream.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Plain BLAKE3 of the canonical blob, computed without materialising it.</summary>
    public static Hash32 HashEncoded(Matrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckEncodable(matrix);
        using var hasher = Blake3.Hasher.New();
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(matrix, header);
        hasher.Update(header);
        if (BitConverter.IsLittleEndian)
        {
            hasher.Update(ElementBytes(matrix));
        }
        else
        {
            var blob = Encode(matrix);
            hasher.Update(blob.AsSpan(HeaderSize));
        }
        Span<byte> digest = stackalloc byte[Hash32.Size];
        hasher.Finalize(digest);
        return new Hash32(digest);
    }

    /// <summary>Parses and validates a header, including the payload limit.</summary>
    public static MatrixHeader ReadHeader(ReadOnlySpan<byte> bytes, long maxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadBytes);
        int magicAvailable = Math.Min(bytes.Length, Magic.Length);
        if (!bytes[..magicAvailable].SequenceEqual(Magic[..magicAvailable]))
        {
            throw new MatrixFormatException(MatrixFormatException.BadMagic, "not a matrix blob: the first bytes are not \"PMAT\"");
        }
        if (bytes.Length < HeaderSize)
        {
            throw new MatrixFormatException(MatrixFormatException.Truncated, $"a matrix header is {HeaderSize} bytes, got {bytes.Length}");
        }
        if (bytes[4] != Version)
        {
            throw new MatrixFormatException(MatrixFormatException.BadVersion, $"matrix format version {bytes[4]} is not supported (expected {Version})");
        }
        var type = (MatrixElementType)bytes[5];
        if (type is not (MatrixElementType.Float64 or MatrixElementType.Mod61))
        {
            throw new MatrixFormatException(MatrixFormatException.BadElementType, $"unknown matrix element type {bytes[5]} (1 = f64, 2 = mod61)");
        }
        uint rows = BinaryPrimitives.ReadUInt32LittleEndian(bytes[6..]);
        uint cols = BinaryPrimitives.ReadUInt32LittleEndian(bytes[10..]);
        if (rows == 0 || cols == 0)
        {
            throw new MatrixFormatException(MatrixFormatException.BadDimensions, $"a matrix needs at least one row and one column, got {rows}×{cols}");
        }
        // rows, cols < 2^32, so the element count fits in a ulong and, below MaxElements, its byte count does too.
        ulong elements = (ulong)rows * cols;
        if (elements > (ulong)MaxElements || elements * ElementSize > (ulong)maxPayloadBytes)
        {
            throw new MatrixFormatException(MatrixFormatException.TooLarge, $"a {rows}×{cols} matrix needs {(UInt128)elements * ElementSize} payload bytes, over the limit of {Math.Min(maxPayloadBytes, (long)MaxElements * ElementSize)}");
        }
        return new MatrixHeader(type, (int)rows, (int)cols);
    }

    /// <summary>Parses a complete blob; its payload (rows·cols·8 bytes) may be at most <paramref name="maxPayloadBytes"/>.</summary>
    public static Matrix Decode(ReadOnlySpan<byte> blob, long maxPayloadBytes)
    {
        MatrixHeader header = ReadHeader(blob, maxPayloadBytes);
        long expected = HeaderSize + header.PayloadBytes;
        if (blob.Length < expected)
        {
            throw new MatrixFormatException(MatrixFormatException.Truncated, $"a {header.Rows}×{header.Cols} matrix blob is {expected} bytes, got {blob.Length}");
        }
        if (blob.Length > expected)
        {
            throw new MatrixFormatException(MatrixFormatException.TrailingBytes, $"{blob.Length - expected} bytes after the end of a {header.Rows}×{header.Cols} matrix");
        }
        var builder = new ElementBuilder(header);
        builder.Append(blob[HeaderSize..]);
        return builder.Build();
    }

    /// <summary>Reads one blob from <paramref name="stream"/>, which must end right after it.</summary>
    public static Matrix ReadFrom(Stream stream, long maxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> headerBytes = stackalloc byte[HeaderSize];
        int got = ReadUpTo(stream, headerBytes);
        MatrixHeader header = ReadHeader(headerBytes[..got], maxPayloadBytes);
        var builder = new ElementBuilder(header);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (!builder.IsComplete)
            {
                int want = (int)Math.Min(ChunkBytes, builder.RemainingBytes);
                int read = ReadUpTo(stream, buffer.AsSpan(0, want));
                builder.Append(buffer.AsSpan(0, read));
                if (read < want)
                {
                    throw builder.TruncatedError();
                }
            }
            if (stream.Read(buffer, 0, 1) != 0)
            {
                throw new MatrixFormatException(MatrixFormatException.TrailingBytes, $"bytes after the end of a {header.Rows}×{header.Cols} matrix");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return builder.Build();
    }

    /// <summary>Reads one blob from <paramref name="stream"/>, which must end right after it, asynchronously.</summary>
    public static async Task<Matrix> ReadFromAsync(Stream stream, long maxPayloadBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int got = await ReadUpToAsync(stream, buffer.AsMemory(0, HeaderSize), cancellationToken).ConfigureAwait(false);
            MatrixHeader header = ReadHeader(buffer.AsSpan(0, got), maxPayloadBytes);
            var builder = new ElementBuilder(header);
            while (!builder.IsComplete)
            {
                int want = (int)Math.Min(ChunkBytes, builder.RemainingBytes);
                int read = await ReadUpToAsync(stream, buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                builder.Append(buffer.AsSpan(0, read));
                if (read < want)
                {
                    throw builder.TruncatedError();
                }
            }
            if (await stream.ReadAsync(buffer.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new MatrixFormatException(MatrixFormatException.TrailingBytes, $"bytes after the end of a {header.Rows}×{header.Cols} matrix");
            }
            return builder.Build();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Index of the first element not below p, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfOutOfRange(ReadOnlySpan<ulong> elements)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && elements.Length >= Vector<ulong>.Count)
        {
            var limit = new Vector<ulong>(Mod61.P);
            ReadOnlySpan<Vector<ulong>> vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(elements);
            for (int v = 0; v < vectors.Length; v++)
            {
                if (Vector.GreaterThanOrEqualAny(vectors[v], limit))
                {
                    i = v * Vector<ulong>.Count;
                    break;
                }
                i = (v + 1) * Vector<ulong>.Count;
            }
        }
        for (; i < elements.Length; i++)
        {
            if (elements[i] >= Mod61.P)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Index of the first NaN or infinity, or −1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfNonFinite(ReadOnlySpan<double> elements)
    {
        ReadOnlySpan<ulong> bits = MemoryMarshal.Cast<double, ulong>(elements);
        int i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= Vector<ulong>.Count)
        {
            var mask = new Vector<ulong>(ExponentMask);
            ReadOnlySpan<Vector<ulong>> vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(bits);
            for (int v = 0; v < vectors.Length; v++)
            {
                if (Vector.EqualsAny(vectors[v] & mask, mask))
                {
                    i = v * Vector<ulong>.Count;
                    break;
                }
                i = (v + 1) * Vector<ulong>.Count;
            }
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentMask) == ExponentMask)
            {
                return i;
            }
        }
        return -1;
    }

    private static void CheckEncodable(Matrix matrix)
    {
        if (matrix.ElementType == MatrixElementType.Float64)
        {
            int bad = IndexOfNonFinite(matrix.Float64);
            if (bad >= 0)
            {
                throw new MatrixFormatException(MatrixFormatException.NonFinite, $"element ({bad / matrix.Cols}, {bad % matrix.Cols}) is {matrix.Float64[bad]}; only finite f64 values have an encoding");
            }
        }
    }

    private static void WriteHeader(Matrix matrix, Span<byte> destination)
    {
        Magic.CopyTo(destination);
        destination[4] = Version;
        destination[5] = (byte)matrix.ElementType;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[6..], (uint)matrix.Rows);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[10..], (uint)matrix.Cols);
    }

    private static ReadOnlySpan<byte> ElementBytes(Matrix matrix) => matrix.ElementType == MatrixElementType.Float64
        ? MemoryMarshal.AsBytes(matrix.Float64)
        : MemoryMarshal.AsBytes(matrix.Mod61);

    // Native-order element bytes to little-endian (a copy on little-endian machines).
    private static void CopyElementsLittleEndian(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(destination);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(destination));
        }
    }

    private static int ReadUpTo(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = stream.Read(destination[total..]);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    private static async ValueTask<int> ReadUpToAsync(Stream stream, Memory<byte> destination, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = await stream.ReadAsync(destination[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    // Fills the element array from payload bytes arriving in pieces of any size, validating each element once.
    private sealed class ElementBuilder
    {
        private readonly MatrixHeader _header;
        private readonly double[]? _float64;
        private readonly ulong[]? _mod61;
        private long _filledBytes;

        public ElementBuilder(MatrixHeader header)
        {
            _header = header;
            if (header.ElementType == MatrixElementType.Float64)
            {
                _float64 = GC.AllocateUninitializedArray<double>(header.Rows * header.Cols);
            }
            else
            {
                _mod61 = GC.AllocateUninitializedArray<ulong>(header.Rows * header.Cols);
            }
        }

        public long RemainingBytes => _header.PayloadBytes - _filledBytes;

        public bool IsComplete => RemainingBytes == 0;

        private Span<byte> Target => _float64 is not null ? MemoryMarshal.AsBytes(_float64.AsSpan()) : MemoryMarshal.AsBytes(_mod61.AsSpan());

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > RemainingBytes)
            {
                throw new MatrixFormatException(MatrixFormatException.TrailingBytes, $"{bytes.Length - RemainingBytes} bytes after the end of a {_header.Rows}×{_header.Cols} matrix");
            }
            long firstElement = _filledBytes / ElementSize;
            bytes.CopyTo(Target[(int)_filledBytes..]);
            _filledBytes += bytes.Length;
            long endElement = _filledBytes / ElementSize; // whole elements now present
            Validate((int)firstElement, (int)(endElement - firstElement));
        }

        public MatrixFormatException TruncatedError() => new(
            MatrixFormatException.Truncated,
            $"a {_header.Rows}×{_header.Cols} matrix blob is {HeaderSize + _header.PayloadBytes} bytes, the stream ended after {HeaderSize + _filledBytes}");

        public Matrix Build()
        {
            if (!IsComplete)
            {
                throw TruncatedError();
            }
            return _float64 is not null
                ? Matrix.FromFloat64(_header.Rows, _header.Cols, _float64)
                : Matrix.FromMod61(_header.Rows, _header.Cols, _mod61!);
        }

        private void Validate(int start, int count)
        {
            if (count <= 0)
            {
                return;
            }
            if (!BitConverter.IsLittleEndian)
            {
                Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(Target).Slice(start, count);
                BinaryPrimitives.ReverseEndianness(words, words);
            }
            if (_float64 is not null)
            {
                int bad = IndexOfNonFinite(_float64.AsSpan(start, count));
                if (bad >= 0)
                {
                    int index = start + bad;
                    throw new MatrixFormatException(MatrixFormatException.NonFinite, $"element ({index / _header.Cols}, {index % _header.Cols}) is {_float64[index]}; f64 elements must be finite");
                }
            }
            else
            {
                int bad = IndexOfOutOfRange(_mod61.AsSpan(start, count));
                if (bad >= 0)
                {
                    int index = start + bad;
                    throw new MatrixFormatException(MatrixFormatException.ElementOutOfRange, $"element ({index / _header.Cols}, {index % _header.Cols}) is {_mod61![index]}, not below p = 2^61 - 1");
                }
            }
        }
    }
}
