namespace Pocc.Proofs.Stark;

/// <summary>Exponentiation written once for every <see cref="IFieldElement{T}"/>.</summary>
internal static class FieldPower
{
    /// <summary><paramref name="value"/>^<paramref name="exponent"/> by square-and-multiply.</summary>
    public static T Pow<T>(T value, ulong exponent)
        where T : unmanaged, IFieldElement<T>
    {
        T result = T.One;
        T b = value;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
            {
                result *= b;
            }
            b = b.Square();
            exponent >>= 1;
        }
        return result;
    }
}
