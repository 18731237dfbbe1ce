namespace Pocc.Core.Matrices;

/// <summary>The validated header of a matrix blob: enough to size buffers and check limits before reading the payload.</summary>
public readonly record struct MatrixHeader(MatrixElementType ElementType, int Rows, int Cols)
{
    public long ElementCount => (long)Rows * Cols;

    public long PayloadBytes => ElementCount * MatrixCodec.ElementSize;

    public long EncodedLength => MatrixCodec.HeaderSize + PayloadBytes;
}
