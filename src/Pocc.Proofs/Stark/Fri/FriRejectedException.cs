namespace Pocc.Proofs.Stark.Fri;

/// <summary>A FRI proof that does not verify, with the first check it failed.</summary>
public sealed class FriRejectedException : Exception
{
    public FriRejectedException() : this("FRI proof rejected") { }

    public FriRejectedException(string reason) : base(reason) { }

    public FriRejectedException(string reason, Exception innerException) : base(reason, innerException) { }
}
