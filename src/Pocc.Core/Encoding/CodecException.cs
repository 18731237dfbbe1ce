namespace Pocc.Core.Encoding;

/// <summary>Bytes that are not the canonical encoding of the expected object. <see cref="Code"/> is stable for callers and APIs.</summary>
public sealed class CodecException : Exception
{
    public const string Truncated = "codec.truncated";
    public const string TrailingBytes = "codec.trailing_bytes";
    public const string TooLarge = "codec.too_large";
    public const string NonCanonical = "codec.non_canonical";
    public const string UnknownVersion = "codec.unknown_version";
    public const string InvalidValue = "codec.invalid_value";

    public CodecException(string code, string message) : base(message) => Code = code;

    public CodecException() : this(InvalidValue, "invalid encoding") { }

    public CodecException(string message) : this(InvalidValue, message) { }

    public CodecException(string message, Exception innerException) : base(message, innerException) => Code = InvalidValue;

    public string Code { get; }
}
