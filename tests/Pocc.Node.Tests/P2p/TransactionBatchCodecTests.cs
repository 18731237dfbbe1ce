using Pocc.Core.Encoding;
using Pocc.Node.P2p;
using Pocc.Node.Tests.Builders;

namespace Pocc.Node.Tests.P2p;

public sealed class TransactionBatchCodecTests
{
    private static readonly Ledger.Transactions.SignedTransaction[] Three =
        [.. Enumerable.Range(0, 3).Select(i => Tx.Transfer(TestKeys.Funded(i), TestKeys.Stranger("codec").Address, 1).Signed())];

    [Fact]
    public void A_batch_round_trips_to_the_same_transactions_in_order()
    {
        var decoded = TransactionBatchCodec.Decode(TransactionBatchCodec.Encode(Three));

        Assert.Equal(Three.Select(tx => tx.Hash), decoded.Select(tx => tx.Hash));
    }

    [Fact]
    public void Encoding_refuses_an_empty_or_overfull_batch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionBatchCodec.Encode([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionBatchCodec.Encode([.. Enumerable.Repeat(Three[0], TransactionBatchCodec.MaxTransactions + 1)]));
    }

    [Fact]
    public void The_fullest_batch_fits_the_frame_limit()
    {
        var full = TransactionBatchCodec.Encode([.. Enumerable.Repeat(Three[0], TransactionBatchCodec.MaxTransactions)]);

        Assert.True(full.Length <= TransactionBatchCodec.MaxPayload);
        Assert.Equal(TransactionBatchCodec.MaxTransactions, TransactionBatchCodec.Decode(full).Count);
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        var good = TransactionBatchCodec.Encode(Three);
        var wrongCount = (byte[])good.Clone();
        wrongCount[1] = 4;
        var zeroCount = (byte[])good.Clone();
        zeroCount[1] = 0;
        var hugeCount = (byte[])good.Clone();
        hugeCount[1] = 0xFF;
        hugeCount[2] = 0xFF;
        var wrongVersion = (byte[])good.Clone();
        wrongVersion[0] = 2;
        var corruptTx = (byte[])good.Clone();
        corruptTx[9] ^= 0xFF;
        return new()
        {
            { "empty", [] },
            { "truncated", good[..^1] },
            { "trailing byte", [.. good, 0] },
            { "count above the transactions", wrongCount },
            { "count zero", zeroCount },
            { "count above the limit", hugeCount },
            { "unknown version", wrongVersion },
            { "not a transaction", corruptTx },
            { "over the size limit", new byte[TransactionBatchCodec.MaxPayload + 1] },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_batches_throw_a_codec_error(string what, byte[] payload)
    {
        Assert.NotNull(what);
        Assert.Throws<CodecException>(() => TransactionBatchCodec.Decode(payload));
    }
}
