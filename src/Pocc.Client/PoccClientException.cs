namespace Pocc.Client;

/// <summary>
/// Something went wrong talking to a PoCC node: the base of every exception <see cref="PoccClient"/> throws on purpose.
/// <see cref="PoccApiException"/> is a refusal by the node (with its stable code); <see cref="PoccUnavailableException"/>
/// means the node could not be reached or stopped answering; this class itself is used for answers that cannot be
/// trusted or understood (bytes that do not match their root, a body that is not the expected JSON).
/// </summary>
public class PoccClientException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>, with its stable <paramref name="code"/> if it has one.</summary>
    public PoccClientException(string message, string? code = null, Exception? innerException = null) : base(message, innerException) => Code = code;

    public PoccClientException() : this("the request to the node failed") { }

    public PoccClientException(string message) : this(message, null, null) { }

    public PoccClientException(string message, Exception innerException) : this(message, null, innerException) { }

    /// <summary>A stable machine-readable code (e.g. <c>tx.nonce_gap</c>, <c>blob.root_mismatch</c>) when there is one, else null.</summary>
    public string? Code { get; }

    /// <summary>True when the same request may well succeed later unchanged: the node was unreachable, overloaded or failing.</summary>
    public virtual bool IsTransient => false;
}
