namespace Pocc.Network;

/// <summary>A protocol violation or refusal with a typed <see cref="DisconnectReason"/>; the connection it names is closed.</summary>
public sealed class NetworkException : Exception
{
    public NetworkException(DisconnectReason reason, string message) : base(message) => Reason = reason;

    public NetworkException() : this(DisconnectReason.IoError, "network error") { }

    public NetworkException(string message) : this(DisconnectReason.IoError, message) { }

    public NetworkException(string message, Exception innerException) : base(message, innerException) => Reason = DisconnectReason.IoError;

    public DisconnectReason Reason { get; }
}
