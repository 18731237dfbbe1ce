namespace Pocc.Client;

/// <summary>
/// The node could not be reached, did not answer in time, or broke off an answer (a download, the event stream).
/// Always transient: nothing is known to have happened, and the same request may succeed once the node is back.
/// </summary>
public sealed class PoccUnavailableException : PoccClientException
{
    /// <summary>The node could not be reached or did not answer, as <paramref name="message"/> says; <paramref name="innerException"/> is the transport's error.</summary>
    public PoccUnavailableException(string message, Exception? innerException = null) : base(message, null, innerException) { }

    public PoccUnavailableException() : this("the node is unavailable") { }

    public PoccUnavailableException(string message) : this(message, null) { }

    public override bool IsTransient => true;
}
