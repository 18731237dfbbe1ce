using CsCheck;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Consensus.Tests.Engine;

public sealed class BlockPartSetTests : IDisposable
{
    private static readonly Height H = new(3);

    private readonly TestChain _chain = TestChain.Create();
    private readonly Block _empty;

    public BlockPartSetTests() => _empty = _chain.Produce().Block;

    public void Dispose() => _chain.Dispose();

    /// <summary>Blocks from one to about seven parts: the empty block with a signed transfer repeated (decoding does not execute).</summary>
    private Gen<Block> Blocks()
    {
        var transfer = Tx.Transfer(Alice, Bob, 1).Signed();
        return Gen.Int[0, 2_500].Select(count => Tamper.Transactions(_empty, Enumerable.Repeat(transfer, count).ToArray()));
    }

    [Fact]
    public void A_block_cut_into_parts_reassembles_from_them_in_any_order_to_the_same_block()
    {
        Gen.Select(Blocks(), Gen.Int).Sample((block, seed) =>
        {
            var sent = BlockPartSet.FromBlock(block);
            int length = block.Encode().Length;
            Assert.Equal((length + PartSetHeader.PartSize - 1) / PartSetHeader.PartSize, sent.Header.Total);
            var messages = sent.Messages(H, 1).ToArray();
            Assert.All(messages[..^1], part => Assert.Equal(PartSetHeader.PartSize, part.Bytes.Length));
            new Random(seed).Shuffle(messages);

            var received = new BlockPartSet(sent.Header);
            foreach (var part in messages)
            {
                Assert.False(received.IsComplete);
                Assert.Equal(PartVerdict.Added, received.Add(part, out _));
                Assert.Equal(PartVerdict.Duplicate, received.Add(part, out _));
            }

            Assert.True(received.IsComplete);
            Assert.Equal(block.Encode(), received.Decode()!.Encode());
            Assert.Equal(sent.Header, BlockPartSet.FromBlock(received.Decode()!).Header);
        }, iter: 30);
    }

    [Fact]
    public void Any_single_byte_change_in_a_part_fails_its_proof_and_leaves_the_set_unchanged()
    {
        Gen.Select(Blocks(), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255]).Sample((block, which, at, flip) =>
        {
            var sent = BlockPartSet.FromBlock(block);
            var part = sent.Messages(H, 0).ElementAt(which % sent.Header.Total);
            byte[] bytes = [.. part.Bytes];
            bytes[at % bytes.Length] ^= flip;
            var received = new BlockPartSet(sent.Header);

            Assert.Equal(PartVerdict.Invalid, received.Add(part with { Bytes = bytes }, out string? reason));
            Assert.NotNull(reason);
            Assert.Equal(0, received.Count);
            Assert.Equal(PartVerdict.Added, received.Add(part, out _));
        }, iter: 50);
    }

    [Fact]
    public void A_part_under_another_index_count_or_root_or_of_the_wrong_length_is_refused()
    {
        var transfer = Tx.Transfer(Alice, Bob, 1).Signed();
        var block = Tamper.Transactions(_empty, Enumerable.Repeat(transfer, 1_000).ToArray());
        var sent = BlockPartSet.FromBlock(block);
        Assert.True(sent.Header.Total >= 3);
        var parts = sent.Messages(H, 0).ToArray();
        var received = new BlockPartSet(sent.Header);

        // The bytes of part 0 with the proof of part 1, and a proof claiming another count.
        Assert.Equal(PartVerdict.Invalid, received.Add(parts[0] with { Proof = parts[1].Proof }, out _));
        Assert.Equal(PartVerdict.Invalid, received.Add(parts[0] with { Proof = parts[0].Proof with { LeafCount = sent.Header.Total + 1 } }, out _));
        Assert.Equal(PartVerdict.Invalid, new BlockPartSet(sent.Header with { Root = Blake3Hash.Of("other"u8) }).Add(parts[0], out _));
        Assert.Equal(PartVerdict.Invalid, received.Add(parts[0] with { Bytes = parts[0].Bytes[..^1] }, out _));
        // A last part padded to full size, even with a proof made for those bytes, is not the block's.
        var padded = parts[^1].Bytes.Concat(new byte[PartSetHeader.PartSize - parts[^1].Bytes.Length + 1]).ToArray();
        Assert.Equal(PartVerdict.Invalid, received.Add(parts[^1] with { Bytes = padded }, out _));
        Assert.Equal(0, received.Count);
    }

    [Fact]
    public void Parts_that_prove_against_a_signed_root_but_are_not_a_block_decode_to_nothing()
    {
        byte[][] junk = [new byte[PartSetHeader.PartSize], [7, 7, 7]];
        var leaves = MerkleTree.HashLeaves(junk);
        var received = new BlockPartSet(new PartSetHeader(2, MerkleTree.ComputeRoot(leaves)));
        for (int i = 0; i < junk.Length; i++)
        {
            Assert.Equal(PartVerdict.Added, received.Add(new BlockPartMessage(H, 0, junk[i], MerkleTree.Prove(leaves, i)), out _));
        }

        Assert.Null(received.Decode());
    }

    [Fact]
    public void Part_counts_are_bounded_by_the_largest_block()
    {
        Assert.True((long)PartSetHeader.MaxTotal * PartSetHeader.PartSize >= Block.MaxEncodedSize);
        Assert.True((long)(PartSetHeader.MaxTotal - 1) * PartSetHeader.PartSize < Block.MaxEncodedSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockPartSet(new PartSetHeader(0, Hash32.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockPartSet(new PartSetHeader(PartSetHeader.MaxTotal + 1, Hash32.Zero)));
        Assert.Throws<InvalidOperationException>(() => new BlockPartSet(new PartSetHeader(1, Hash32.Zero)).Decode());
    }
}
