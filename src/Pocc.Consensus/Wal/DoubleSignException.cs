using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Wal;

/// <summary>What a signature is for; the order is the order in which one round signs them.</summary>
public enum SignStep : byte
{
    Proposal = 1,
    Prevote = 2,
    Precommit = 3,
}

/// <summary>
/// <see cref="GuardedSigner"/> refused to sign because the signature could be slashed: it conflicts with one this
/// validator already gave, or it is for an earlier step than one already signed.
/// </summary>
public sealed class DoubleSignException : Exception
{
    /// <summary>A different value (or nil against a value) at a height, round and step already signed.</summary>
    public const string Conflict = "signer.conflict";

    /// <summary>A height, round and step earlier than the last one signed.</summary>
    public const string Regression = "signer.regression";

    public DoubleSignException(string code, Height height, int round, SignStep step, string message) : base(message)
    {
        Code = code;
        Height = height;
        Round = round;
        Step = step;
    }

    public DoubleSignException() : this(Conflict, default, 0, SignStep.Proposal, "refused to double-sign") { }

    public DoubleSignException(string message) : this(Conflict, default, 0, SignStep.Proposal, message) { }

    public DoubleSignException(string message, Exception innerException) : base(message, innerException) => Code = Conflict;

    /// <summary><see cref="Conflict"/> or <see cref="Regression"/>.</summary>
    public string Code { get; }

    public Height Height { get; }

    public int Round { get; }

    public SignStep Step { get; }
}
