using System.Buffers.Binary;
using Pocc.Core.Hashing;
using Pocc.Core.Numerics;

namespace Pocc.Core.Matrices;

/// <summary>
/// A dense row-major matrix of <see cref="MatrixElementType.Float64"/> or <see cref="MatrixElementType.Mod61"/>
/// elements: the input and output of matrix-multiply tasks. Mod61 elements are always below p = 2^61 − 1.
/// </summary>
/// <remarks>
/// Float64 matrices may hold NaN or infinities in memory (a product can overflow), but such a matrix has no encoding:
/// <see cref="MatrixCodec"/> refuses to write or read non-finite elements. The blob format is described on
/// <see cref="MatrixCodec"/>.
/// </remarks>
public sealed class Matrix
{
    /// <summary>The derive-key context of <see cref="Random"/>; changing it changes every seeded matrix.</summary>
    public const string RandomContext = "pocc/matrix/random/v1";

    private readonly double[]? _float64;
    private readonly ulong[]? _mod61;

    private Matrix(int rows, int cols, double[]? float64, ulong[]? mod61)
    {
        Rows = rows;
        Cols = cols;
        _float64 = float64;
        _mod61 = mod61;
        ElementType = float64 is not null ? MatrixElementType.Float64 : MatrixElementType.Mod61;
    }

    public int Rows { get; }

    public int Cols { get; }

    public MatrixElementType ElementType { get; }

    public long ElementCount => (long)Rows * Cols;

    /// <summary>"rows×cols type", for messages.</summary>
    public string Shape => $"{Rows}×{Cols} {ElementTypeName(ElementType)}";

    /// <summary>The row-major elements of a Float64 matrix.</summary>
    public ReadOnlySpan<double> Float64 =>
        _float64 ?? throw new InvalidOperationException($"the matrix is {ElementTypeName(ElementType)}, not f64");

    /// <summary>The row-major elements of a Mod61 matrix, each below p.</summary>
    public ReadOnlySpan<ulong> Mod61 =>
        _mod61 ?? throw new InvalidOperationException($"the matrix is {ElementTypeName(ElementType)}, not mod61");

    public double GetFloat64(int row, int col) => Float64[Index(row, col)];

    public ulong GetMod61(int row, int col) => Mod61[Index(row, col)];

    /// <summary>
    /// A Float64 matrix over <paramref name="data"/> (row-major, rows·cols long). Takes ownership without copying:
    /// the caller must not modify the array afterwards.
    /// </summary>
    public static Matrix FromFloat64(int rows, int cols, double[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(rows, cols, data.Length);
        return new Matrix(rows, cols, data, null);
    }

    /// <summary>
    /// A Mod61 matrix over <paramref name="data"/> (row-major, rows·cols long, every element below p). Takes ownership
    /// without copying: the caller must not modify the array afterwards.
    /// </summary>
    public static Matrix FromMod61(int rows, int cols, ulong[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShape(rows, cols, data.Length);
        int bad = MatrixCodec.IndexOfOutOfRange(data);
        if (bad >= 0)
        {
            throw new ArgumentException($"element {bad} is {data[bad]}, not below p = 2^61 - 1", nameof(data));
        }
        return new Matrix(rows, cols, null, data);
    }

    /// <summary>A copy of <paramref name="data"/> as a Float64 matrix.</summary>
    public static Matrix CopyFloat64(int rows, int cols, ReadOnlySpan<double> data) => FromFloat64(rows, cols, data.ToArray());

    /// <summary>A copy of <paramref name="data"/> as a Mod61 matrix.</summary>
    public static Matrix CopyMod61(int rows, int cols, ReadOnlySpan<ulong> data) => FromMod61(rows, cols, data.ToArray());

    /// <summary>
    /// A matrix determined by <paramref name="seed"/>: BLAKE3 in derive-key mode with <see cref="RandomContext"/> over
    /// seed ‖ u8 type ‖ u32 rows ‖ u32 cols, read as an XOF of little-endian u64 words. Float64 elements are uniform
    /// in [-1, 1) from 53 random bits; Mod61 elements are uniform below p (a word's low 61 bits, skipping p itself).
    /// </summary>
    public static Matrix Random(int rows, int cols, MatrixElementType type, Hash32 seed)
    {
        CheckDimensions(rows, cols);
        Span<byte> material = stackalloc byte[Hash32.Size + 1 + 4 + 4];
        seed.CopyTo(material);
        material[Hash32.Size] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(material[(Hash32.Size + 1)..], (uint)rows);
        BinaryPrimitives.WriteUInt32LittleEndian(material[(Hash32.Size + 5)..], (uint)cols);
        using var sampler = new XofSampler(RandomContext, material);
        int count = rows * cols;
        switch (type)
        {
            case MatrixElementType.Float64:
                var doubles = GC.AllocateUninitializedArray<double>(count);
                sampler.FillSignedUnit(doubles);
                return new Matrix(rows, cols, doubles, null);
            case MatrixElementType.Mod61:
                var words = GC.AllocateUninitializedArray<ulong>(count);
                sampler.FillMod61(words);
                return new Matrix(rows, cols, null, words);
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown matrix element type");
        }
    }

    /// <summary>The canonical blob (see <see cref="MatrixCodec"/>).</summary>
    public byte[] Encode() => MatrixCodec.Encode(this);

    /// <summary>Parses a canonical blob whose payload (rows·cols·8 bytes) is at most <paramref name="maxPayloadBytes"/>.</summary>
    public static Matrix Decode(ReadOnlySpan<byte> blob, long maxPayloadBytes) => MatrixCodec.Decode(blob, maxPayloadBytes);

    /// <summary>Same shape, type and element bits (so 0.0 and -0.0 differ, as they do in the encoding).</summary>
    public bool ContentEquals(Matrix? other)
    {
        if (other is null || other.Rows != Rows || other.Cols != Cols || other.ElementType != ElementType)
        {
            return false;
        }
        return _float64 is not null
            ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(Float64).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(other.Float64))
            : Mod61.SequenceEqual(other.Mod61);
    }

    public override string ToString() => Shape;

    /// <summary>"f64" or "mod61", the names used in APIs and benchmarks.</summary>
    public static string ElementTypeName(MatrixElementType type) => type switch
    {
        MatrixElementType.Float64 => "f64",
        MatrixElementType.Mod61 => "mod61",
        _ => $"type {(byte)type}",
    };

    /// <summary>Throws unless rows and cols are positive and the payload (rows·cols·8 bytes) fits in one byte array.</summary>
    public static void CheckDimensions(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if ((long)rows * cols > MatrixCodec.MaxElements)
        {
            throw new ArgumentOutOfRangeException(nameof(cols), $"{rows}×{cols} is more than the {MatrixCodec.MaxElements} elements a matrix may have");
        }
    }

    private static void CheckShape(int rows, int cols, int length)
    {
        CheckDimensions(rows, cols);
        if ((long)rows * cols != length)
        {
            throw new ArgumentException($"a {rows}×{cols} matrix has {(long)rows * cols} elements, got {length}");
        }
    }

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"({row}, {col}) is outside a {Rows}×{Cols} matrix");
        }
        return row * Cols + col;
    }
}
