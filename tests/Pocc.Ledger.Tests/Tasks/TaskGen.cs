using CsCheck;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Tests.Codecs;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>Generators of arbitrary compute-market values (not necessarily valid on a chain: the codec must carry any value).</summary>
internal static class TaskGen
{
    private static readonly Gen<ulong> U64 = CodecGen.U64;

    private static readonly Gen<uint> U32 = Gen.Frequency((3, Gen.UInt), (1, Gen.OneOf(Gen.Const(0u), Gen.Const(1u), Gen.Const(uint.MaxValue))));

    private static readonly Gen<byte> U8 = Gen.Frequency((3, Gen.Byte), (1, Gen.OneOf(Gen.Const((byte)0), Gen.Const((byte)1), Gen.Const(byte.MaxValue))));

    public static readonly Gen<BlobRef> Blobs = Gen.Select(CodecGen.Hashes, U64, (root, size) => new BlobRef(root, size));

    public static readonly Gen<TaskSpec> Specs = Gen.Select(
        Gen.Select(U8, U32, U32, U32), Gen.Select(Blobs, Blobs), Gen.Select(U32, U8, U8, U32),
        (shape, inputs, check) => new TaskSpec((TaskKind)shape.Item1, shape.Item2, shape.Item3, shape.Item4, inputs.Item1, inputs.Item2,
            check.Item1, check.Item2, check.Item3, check.Item4));

    public static readonly Gen<ComputeTask> Tasks = Gen.Select(
        Gen.Select(U64, CodecGen.Addresses, Specs, U64, U8),
        Gen.Select(U64, CodecGen.Addresses, U64, U8, Blobs),
        Gen.Select(U64, U8, U64),
        (a, b, c) => new ComputeTask(a.Item1, a.Item2, a.Item3, new Amount(a.Item4), (TaskState)a.Item5,
            new Height(b.Item1), b.Item2, new Height(b.Item3), b.Item4, b.Item5,
            new Height(c.Item1), (TaskOutcome)c.Item2, new Height(c.Item3)));

    public static readonly Gen<Worker> Workers = Gen.Select(
        Gen.Select(U64, U32, U32, U32),
        Gen.Select(U64, U64, U64, U64),
        Gen.Select(U64, U64, U64),
        (a, b, c) => new Worker(new Amount(a.Item1), (WorkerCapabilities)a.Item2, a.Item3, a.Item4,
            b.Item1, b.Item2, b.Item3, b.Item4, new Amount(c.Item1), new Amount(c.Item2), new Height(c.Item3)));

    public static readonly Gen<TaskRegistry> Registries = U64.Select(next => new TaskRegistry(next));

    public static readonly Gen<TransactionPayload> Payloads = Gen.OneOf(
        Gen.Select(U64, U32, (stake, capabilities) => (TransactionPayload)new RegisterWorker(new Amount(stake), (WorkerCapabilities)capabilities)),
        Gen.Select(Specs, U64, (spec, fee) => (TransactionPayload)new PostTask(spec, new Amount(fee))),
        Gen.Select(U64, Blobs, (id, result) => (TransactionPayload)new CommitResult(id, result)),
        Gen.Select(U64, U8, (id, outcome) => (TransactionPayload)new SubmitVerdict(id, (TaskOutcome)outcome)));

    public static readonly Gen<SignedTransaction> SignedTransactions = Gen.Select(
        Gen.Select(CodecGen.ChainIds, CodecGen.PublicKeys, U64, U64), Payloads, CodecGen.Signatures,
        (head, payload, signature) => new SignedTransaction(new Transaction(head.Item1, head.Item2, head.Item3, new Amount(head.Item4), payload), signature));
}
