using Pocc.Core.Encoding;

namespace Pocc.Ledger.Tasks;

/// <summary>The compute market's counters, kept in the state: the id the next posted task gets.</summary>
public sealed record TaskRegistry(ulong NextTaskId)
{
    public const byte Version = 1;

    public static readonly TaskRegistry Initial = new(1);

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(16);
        writer.WriteU8(Version);
        writer.WriteU64(NextTaskId);
        return writer.ToArray();
    }

    public static TaskRegistry Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "task registry");
        var registry = new TaskRegistry(reader.ReadU64());
        reader.EnsureEnd();
        return registry;
    }
}
