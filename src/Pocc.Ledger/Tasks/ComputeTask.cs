using Pocc.Core.Addressing;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Ledger.Tasks;

/// <summary>An off-chain blob the chain points to: its Merkle root over 256 KiB chunks and its size in bytes.</summary>
public readonly record struct BlobRef(Hash32 Root, ulong Size)
{
    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteHash(Root);
        writer.WriteU64(Size);
    }

    public static BlobRef Read(ref CanonicalReader reader) => new(reader.ReadHash(), reader.ReadU64());
}

/// <summary>
/// What a requester asks for, and how the result is checked. The fields' meaning depends on the kind's
/// <see cref="VerificationPolicy"/>:
/// <list type="bullet">
/// <item>Freivalds (matmul): C = A·B with A of <see cref="Rows"/>×<see cref="Inner"/> and B of <see cref="Inner"/>×<see cref="Columns"/>,
/// the inputs as matrix blobs, <see cref="Rounds"/> of Freivalds and for float64 a relative tolerance in parts per billion.</item>
/// <item>STARK: <see cref="Rows"/> is the step count, <see cref="InputA"/> the inputs blob (see <see cref="StarkTaskBlobs"/>),
/// <see cref="Rounds"/> the conjectured security in bits the proof must reach; Inner, Columns, InputB and the tolerance are zero.</item>
/// </list>
/// </summary>
public sealed record TaskSpec(
    TaskKind Kind,
    uint Rows,
    uint Inner,
    uint Columns,
    BlobRef InputA,
    BlobRef InputB,
    uint ToleranceppB,
    byte Rounds,
    byte Redundancy,
    uint DeadlineBlocks)
{
    public const uint MaxDimension = 16_384;
    public const byte MaxRounds = 64;

    /// <summary>The least security a STARK task may ask for.</summary>
    public const byte MinStarkSecurityBits = StarkParameters.DefaultSecurityBits;

    public VerificationPolicy Policy => TaskKinds.Policy(Kind);

    /// <summary>
    /// The native work the task stands for: for a product 2·m·k·n floating-point operations (a multiply and an add per
    /// term); for a STARK computation its field operations per step times the steps (the proof itself is overhead).
    /// </summary>
    public ulong ComputeUnits => Policy == VerificationPolicy.Stark
        ? StarkComputations.OperationsPerStep(TaskKinds.StarkComputation(Kind)) * Rows
        : 2UL * Rows * Inner * Columns;

    /// <summary>
    /// Bits of soundness the verification gives: with challenge vectors uniform in F_p each Freivalds round misses a
    /// wrong product with probability at most 1/p (p = 2^61 − 1), so 61 bits per round; for float64 with ±1 vectors an
    /// error above the tolerance escapes a round with probability at most 1/2; a STARK task states the conjectured
    /// security its proof must reach.
    /// </summary>
    public int SoundnessBits => Kind == TaskKind.MatmulMod61 ? 61 * Rounds : Rounds;

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8((byte)Kind);
        writer.WriteU32(Rows);
        writer.WriteU32(Inner);
        writer.WriteU32(Columns);
        InputA.Write(ref writer);
        InputB.Write(ref writer);
        writer.WriteU32(ToleranceppB);
        writer.WriteU8(Rounds);
        writer.WriteU8(Redundancy);
        writer.WriteU32(DeadlineBlocks);
    }

    public static TaskSpec Read(ref CanonicalReader reader) => new(
        (TaskKind)reader.ReadU8(), reader.ReadU32(), reader.ReadU32(), reader.ReadU32(),
        BlobRef.Read(ref reader), BlobRef.Read(ref reader), reader.ReadU32(), reader.ReadU8(), reader.ReadU8(), reader.ReadU32());
}

/// <summary>A task in the chain state: its spec, escrowed fee and where it is in its lifecycle.</summary>
public sealed record ComputeTask(
    ulong Id,
    Address Requester,
    TaskSpec Spec,
    Amount Fee,
    TaskState State,
    Height PostedHeight,
    Address Worker,
    Height AssignedHeight,
    byte Attempts,
    BlobRef Result,
    Height CommitHeight,
    TaskOutcome Outcome,
    Height ClosedHeight)
{
    public const byte Version = 1;

    public bool IsOpen => State is TaskState.Posted or TaskState.Assigned or TaskState.Committed or TaskState.Verified;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(256);
        writer.WriteU8(Version);
        writer.WriteU64(Id);
        writer.WriteAddress(Requester);
        Spec.Write(ref writer);
        writer.WriteU64(Fee.Value);
        writer.WriteU8((byte)State);
        writer.WriteU64(PostedHeight.Value);
        writer.WriteAddress(Worker);
        writer.WriteU64(AssignedHeight.Value);
        writer.WriteU8(Attempts);
        Result.Write(ref writer);
        writer.WriteU64(CommitHeight.Value);
        writer.WriteU8((byte)Outcome);
        writer.WriteU64(ClosedHeight.Value);
        return writer.ToArray();
    }

    public static ComputeTask Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        reader.ReadVersion(Version, "task");
        var task = new ComputeTask(
            reader.ReadU64(), reader.ReadAddress(), TaskSpec.Read(ref reader), new Amount(reader.ReadU64()), (TaskState)reader.ReadU8(),
            new Height(reader.ReadU64()), reader.ReadAddress(), new Height(reader.ReadU64()), reader.ReadU8(), BlobRef.Read(ref reader),
            new Height(reader.ReadU64()), (TaskOutcome)reader.ReadU8(), new Height(reader.ReadU64()));
        reader.EnsureEnd();
        return task;
    }
}
