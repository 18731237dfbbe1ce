namespace Pocc.Ledger.Primitives;

/// <summary>A token amount in base units. Arithmetic is checked: an overflow is a bug, never a wrap.</summary>
public readonly record struct Amount(ulong Value) : IComparable<Amount>
{
    public static readonly Amount Zero = new(0);

    public static Amount operator +(Amount a, Amount b) => new(checked(a.Value + b.Value));
    public static Amount operator -(Amount a, Amount b) => new(checked(a.Value - b.Value));
    public static bool operator <(Amount a, Amount b) => a.Value < b.Value;
    public static bool operator >(Amount a, Amount b) => a.Value > b.Value;
    public static bool operator <=(Amount a, Amount b) => a.Value <= b.Value;
    public static bool operator >=(Amount a, Amount b) => a.Value >= b.Value;

    /// <summary>a · numerator / denominator, rounded down, without intermediate overflow.</summary>
    public Amount MulDiv(ulong numerator, ulong denominator) =>
        new((ulong)((UInt128)Value * numerator / denominator));

    public int CompareTo(Amount other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
