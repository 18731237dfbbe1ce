namespace Pocc.Ledger.Chain;

/// <summary>
/// The answer of <see cref="Blockchain.Validate"/>: valid, or the <see cref="LedgerException"/> code and message
/// <see cref="Blockchain.Apply"/> would have refused the block with. A result, not an exception, because a peer's
/// bad block is an everyday event for a validator.
/// </summary>
public sealed record BlockValidation(string? Code, string? Reason)
{
    public static readonly BlockValidation Valid = new(null, null);

    public bool IsValid => Code is null;
}
