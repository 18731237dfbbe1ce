using Pocc.Core.Addressing;
using Pocc.Core.Hashing;

namespace Pocc.Ledger.State;

/// <summary>
/// Where each kind of state lives in the sparse Merkle tree: BLAKE3 of a one-byte namespace and the id,
/// so keys of different kinds never collide and a proof says which kind it proves.
/// </summary>
public static class StateKeys
{
    private const byte SupplyNamespace = 0x00;
    private const byte AccountNamespace = 0x01;
    private const byte ValidatorNamespace = 0x02;

    public static readonly Hash32 Supply = Blake3Hash.Of([SupplyNamespace]);

    public static Hash32 Account(Address address) => Namespaced(AccountNamespace, address);

    public static Hash32 Validator(Address address) => Namespaced(ValidatorNamespace, address);

    private static Hash32 Namespaced(byte ns, Address address)
    {
        Span<byte> buffer = stackalloc byte[1 + Address.Size];
        buffer[0] = ns;
        address.CopyTo(buffer[1..]);
        return Blake3Hash.Of(buffer);
    }
}
