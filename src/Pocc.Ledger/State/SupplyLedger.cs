using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.State;

/// <summary>
/// The token supply's books, kept in the state (and so under the state root):
/// supply = <see cref="Genesis"/> + <see cref="Minted"/> − <see cref="Burned"/>.
/// </summary>
public sealed record SupplyLedger(Amount Genesis, Amount Minted, Amount Burned)
{
    public const byte Version = 1;

    public Amount Total => Genesis + Minted - Burned;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(32);
        writer.WriteU8(Version);
        writer.WriteU64(Genesis.Value);
        writer.WriteU64(Minted.Value);
        writer.WriteU64(Burned.Value);
        return writer.ToArray();
    }

    public static SupplyLedger Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "supply");
        var supply = new SupplyLedger(new Amount(reader.ReadU64()), new Amount(reader.ReadU64()), new Amount(reader.ReadU64()));
        reader.EnsureEnd();
        return supply;
    }
}
