namespace Pocc.Proofs.Stark;

/// <summary>A STARK proof that does not verify, with the first check it failed.</summary>
public sealed class StarkRejectedException : Exception
{
    public StarkRejectedException() : this("STARK proof rejected") { }

    public StarkRejectedException(string reason) : base(reason) { }

    public StarkRejectedException(string reason, Exception innerException) : base(reason, innerException) { }
}
