namespace Pocc.Ledger.Primitives;

/// <summary>A block height; genesis state is height 0, the first block is height 1.</summary>
public readonly record struct Height(ulong Value) : IComparable<Height>
{
    public static readonly Height Genesis = new(0);

    public Height Next => new(checked(Value + 1));

    public static bool operator <(Height a, Height b) => a.Value < b.Value;
    public static bool operator >(Height a, Height b) => a.Value > b.Value;
    public static bool operator <=(Height a, Height b) => a.Value <= b.Value;
    public static bool operator >=(Height a, Height b) => a.Value >= b.Value;

    public int CompareTo(Height other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
