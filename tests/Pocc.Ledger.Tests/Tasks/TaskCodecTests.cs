using System.Buffers.Binary;
using CsCheck;
using Pocc.Core.Addressing;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Tasks;

/// <summary>
/// The compute market's canonical encodings: any value round-trips to itself and to the same bytes; trailing,
/// missing or re-versioned bytes are refused with a <see cref="CodecException"/>.
/// </summary>
public sealed class TaskCodecTests
{
    /// <summary>One stored object's codec, seen as bytes.</summary>
    public sealed record StateCodec(string Name, Gen<byte[]> Encodings, Func<byte[], byte[]> DecodeAndEncode)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, StateCodec> Codecs = new StateCodec[]
    {
        new("ComputeTask", TaskGen.Tasks.Select(task => task.Encode()), bytes => ComputeTask.Decode(bytes).Encode()),
        new("Worker", TaskGen.Workers.Select(worker => worker.Encode()), bytes => Worker.Decode(bytes).Encode()),
        new("TaskRegistry", TaskGen.Registries.Select(registry => registry.Encode()), bytes => TaskRegistry.Decode(bytes).Encode()),
        new("SignedTransaction with a task payload", TaskGen.SignedTransactions.Select(tx => Canonical.Encode(tx)),
            bytes => Canonical.Encode(SignedTransaction.Decode(bytes))),
    }.ToDictionary(codec => codec.Name);

    public static TheoryData<string> CodecNames => [.. Codecs.Keys];

    [Fact]
    public void ComputeTask_round_trips()
    {
        TaskGen.Tasks.Sample(task =>
        {
            var bytes = task.Encode();
            var decoded = ComputeTask.Decode(bytes);
            Assert.Equal(task, decoded);
            Assert.Equal(bytes, decoded.Encode());
        }, iter: 200);
    }

    [Fact]
    public void Worker_round_trips()
    {
        TaskGen.Workers.Sample(worker =>
        {
            var bytes = worker.Encode();
            var decoded = Worker.Decode(bytes);
            Assert.Equal(worker, decoded);
            Assert.Equal(bytes, decoded.Encode());
        }, iter: 200);
    }

    [Fact]
    public void TaskRegistry_round_trips()
    {
        TaskGen.Registries.Sample(registry =>
        {
            var bytes = registry.Encode();
            var decoded = TaskRegistry.Decode(bytes);
            Assert.Equal(registry, decoded);
            Assert.Equal(bytes, decoded.Encode());
        }, iter: 100);
    }

    [Fact]
    public void Task_payloads_round_trip_through_signed_transactions()
    {
        TaskGen.SignedTransactions.Sample(tx =>
        {
            var bytes = Canonical.Encode(tx);
            Assert.True(bytes.Length <= SignedTransaction.MaxEncodedSize);
            var decoded = SignedTransaction.Decode(bytes);
            Assert.Equal(tx.Transaction, decoded.Transaction);
            Assert.Equal(tx.Transaction.Payload, decoded.Transaction.Payload);
            Assert.Equal(tx.Transaction.Payload.Kind, decoded.Transaction.Payload.Kind);
            Assert.Equal(tx.Signature, decoded.Signature);
            Assert.Equal(tx.Hash, decoded.Hash);
            Assert.Equal(bytes, Canonical.Encode(decoded));
        }, iter: 300);
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Decoding_refuses_trailing_bytes(string name)
    {
        var codec = Codecs[name];
        Gen.Select(codec.Encodings, Gen.Byte.Array[1, 9]).Sample((bytes, extra) =>
        {
            var error = Assert.Throws<CodecException>(() => codec.DecodeAndEncode([.. bytes, .. extra]));
            Assert.Equal(CodecException.TrailingBytes, error.Code);
        }, iter: 100);
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Decoding_refuses_every_truncation(string name)
    {
        var codec = Codecs[name];
        codec.Encodings.Sample(bytes =>
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                var error = Assert.Throws<CodecException>(() => codec.DecodeAndEncode(bytes[..length]));
                Assert.Equal(CodecException.Truncated, error.Code);
            }
        }, iter: 10);
    }

    [Theory]
    [InlineData("ComputeTask")]
    [InlineData("Worker")]
    [InlineData("TaskRegistry")]
    public void Decoding_refuses_an_unknown_version(string name)
    {
        var codec = Codecs[name];
        Gen.Select(codec.Encodings, Gen.Byte.Where(v => v != 1)).Sample((bytes, version) =>
        {
            bytes[0] = version;
            var error = Assert.Throws<CodecException>(() => codec.DecodeAndEncode(bytes));
            Assert.Equal(CodecException.UnknownVersion, error.Code);
        }, iter: 20);
    }

    // The encodings are consensus (their hashes are the state tree's leaves), so the field order is pinned down here.

    [Fact]
    public void Worker_encoding_is_version_then_fields_in_order_little_endian()
    {
        var worker = new Worker(new Amount(0x0102), WorkerCapabilities.MatmulMod61, 0x0304, 5, 6, 7, 8, 9, new Amount(10), new Amount(11), new Height(12));
        byte[] expected = [1, .. U64(0x0102), .. U32(2), .. U32(0x0304), .. U32(5), .. U64(6), .. U64(7), .. U64(8), .. U64(9), .. U64(10), .. U64(11), .. U64(12)];
        Assert.Equal(expected, worker.Encode());
    }

    [Fact]
    public void ComputeTask_encoding_is_version_then_fields_in_order_little_endian()
    {
        var a = new BlobRef(Hash(1), 21);
        var b = new BlobRef(Hash(2), 22);
        var c = new BlobRef(Hash(3), 23);
        var spec = new TaskSpec(TaskKind.MatmulFloat64, 2, 3, 4, a, b, 1_000, 20, 1, 5);
        var task = new ComputeTask(7, Address(8), spec, new Amount(9), TaskState.Committed, new Height(10), Address(11), new Height(12), 2, c,
            new Height(13), TaskOutcome.DeadlineMissed, new Height(14));
        byte[] specBytes = [1, .. U32(2), .. U32(3), .. U32(4), .. Hash(1).ToArray(), .. U64(21), .. Hash(2).ToArray(), .. U64(22), .. U32(1_000), 20, 1, .. U32(5)];
        byte[] expected = [1, .. U64(7), .. Address(8).ToArray(), .. specBytes, .. U64(9), 3, .. U64(10), .. Address(11).ToArray(), .. U64(12), 2,
            .. Hash(3).ToArray(), .. U64(23), .. U64(13), 5, .. U64(14)];
        Assert.Equal(expected, task.Encode());
    }

    [Fact]
    public void TaskRegistry_encoding_is_version_then_next_id()
    {
        Assert.Equal([1, .. U64(1)], TaskRegistry.Initial.Encode());
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static Hash32 Hash(byte fill) => new(Enumerable.Repeat(fill, Hash32.Size).ToArray());

    private static Address Address(byte fill) => new(Enumerable.Repeat(fill, Core.Addressing.Address.Size).ToArray());
}
