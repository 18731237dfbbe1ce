namespace Pocc.Storage;

/// <summary>A storage operation that failed for a reason outside the program. <see cref="Code"/> is stable for callers and APIs.</summary>
public sealed class StorageException : Exception
{
    public const string OpenFailed = "storage.open_failed";
    public const string Locked = "storage.locked";
    public const string Corrupt = "storage.corrupt";
    public const string ReadFailed = "storage.read_failed";
    public const string WriteFailed = "storage.write_failed";

    public StorageException(string code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    public string Code { get; }
}
