namespace Pocc.Core.Matrices;

/// <summary>Bytes that are not a valid matrix blob, or a matrix that has no valid encoding. <see cref="Code"/> is stable for callers and APIs.</summary>
public sealed class MatrixFormatException : Exception
{
    public const string BadMagic = "matrix.bad_magic";
    public const string BadVersion = "matrix.bad_version";
    public const string BadElementType = "matrix.bad_element_type";
    public const string BadDimensions = "matrix.bad_dimensions";
    public const string TooLarge = "matrix.too_large";
    public const string Truncated = "matrix.truncated";
    public const string TrailingBytes = "matrix.trailing_bytes";
    public const string ElementOutOfRange = "matrix.element_out_of_range";
    public const string NonFinite = "matrix.non_finite";

    public MatrixFormatException(string code, string message) : base(message) => Code = code;

    public MatrixFormatException() : this(BadMagic, "not a matrix blob") { }

    public MatrixFormatException(string message) : this(BadMagic, message) { }

    public MatrixFormatException(string message, Exception innerException) : base(message, innerException) => Code = BadMagic;

    public string Code { get; }
}
