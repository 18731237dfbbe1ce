namespace Pocc.Ledger.Primitives;

/// <summary>The network's name; it is part of every signed message, so a transaction signed for one chain is void on another.</summary>
public sealed record ChainId
{
    public const int MaxLength = 48;

    public ChainId(string value)
    {
        if (!IsValid(value))
        {
            throw new FormatException($"chain id must be 1-{MaxLength} characters of a-z, 0-9 and '-', got '{value}'");
        }
        Value = value;
    }

    public string Value { get; }

    public static bool IsValid(string? value)
    {
        if (value is not { Length: > 0 and <= MaxLength })
        {
            return false;
        }
        foreach (char c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() => Value;
}
