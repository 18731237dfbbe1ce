using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Tasks;

/// <summary>
/// A registered worker: its identity stake (what a proven-wrong result slashes), what it can run, its reputation
/// (0..10,000, an integer moving average of verified successes and failures) and its record.
/// </summary>
public sealed record Worker(
    Amount Stake,
    WorkerCapabilities Capabilities,
    uint Reputation,
    uint ActiveTasks,
    ulong VerifiedComputeUnits,
    ulong TasksSettled,
    ulong TasksRejected,
    ulong DeadlinesMissed,
    Amount Earned,
    Amount Slashed,
    Height RegisteredHeight)
{
    public const byte Version = 1;
    public const uint MaxReputation = 10_000;
    public const uint InitialReputation = 5_000;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(96);
        writer.WriteU8(Version);
        writer.WriteU64(Stake.Value);
        writer.WriteU32((uint)Capabilities);
        writer.WriteU32(Reputation);
        writer.WriteU32(ActiveTasks);
        writer.WriteU64(VerifiedComputeUnits);
        writer.WriteU64(TasksSettled);
        writer.WriteU64(TasksRejected);
        writer.WriteU64(DeadlinesMissed);
        writer.WriteU64(Earned.Value);
        writer.WriteU64(Slashed.Value);
        writer.WriteU64(RegisteredHeight.Value);
        return writer.ToArray();
    }

    public static Worker Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "worker");
        var worker = new Worker(new Amount(reader.ReadU64()), (WorkerCapabilities)reader.ReadU32(), reader.ReadU32(), reader.ReadU32(),
            reader.ReadU64(), reader.ReadU64(), reader.ReadU64(), reader.ReadU64(), new Amount(reader.ReadU64()), new Amount(reader.ReadU64()),
            new Height(reader.ReadU64()));
        reader.EnsureEnd();
        return worker;
    }
}
