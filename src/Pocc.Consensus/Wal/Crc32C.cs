using System.Buffers.Binary;
using System.Numerics;

namespace Pocc.Consensus.Wal;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of WAL records and the signer state. <see cref="BitOperations.Crc32C(uint, ulong)"/>
/// uses the CPU's CRC instruction where there is one, so no package is needed for it.
/// </summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }
}
