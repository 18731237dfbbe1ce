namespace Pocc.Consensus.Wal;

/// <summary>
/// A durable consensus file (the WAL or the signer's state) is damaged somewhere other than a torn tail. The node must
/// not start on it: silently dropping what it recorded could let the validator sign against its own earlier votes.
/// </summary>
public sealed class WalCorruptException : Exception
{
    public const string CorruptRecord = "wal.corrupt_record";
    public const string CorruptSignerState = "wal.corrupt_signer_state";

    public WalCorruptException(string code, string path, long offset, string message, Exception? innerException = null)
        : base($"{path} at byte {offset}: {message}", innerException)
    {
        Code = code;
        Path = path;
        Offset = offset;
    }

    public WalCorruptException() : this(CorruptRecord, "", 0, "corrupt file") { }

    public WalCorruptException(string message) : this(CorruptRecord, "", 0, message) { }

    public WalCorruptException(string message, Exception innerException) : this(CorruptRecord, "", 0, message, innerException) { }

    /// <summary>A stable code for callers and logs.</summary>
    public string Code { get; }

    public string Path { get; }

    /// <summary>Where in the file the damage starts.</summary>
    public long Offset { get; }
}
