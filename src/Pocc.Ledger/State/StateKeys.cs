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
    private const byte WorkerNamespace = 0x03;
    private const byte TaskNamespace = 0x04;
    private const byte TaskRegistryNamespace = 0x05;

    public static readonly Hash32 Supply = Blake3Hash.Of([SupplyNamespace]);

    public static readonly Hash32 TaskRegistry = Blake3Hash.Of([TaskRegistryNamespace]);

    public static Hash32 Worker(Address address) => Namespaced(WorkerNamespace, address);

    public static Hash32 Task(ulong id)
    {
        Span<byte> buffer = stackalloc byte[9];
        buffer[0] = TaskNamespace;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(buffer[1..], id);
        return Blake3Hash.Of(buffer);
    }

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
