using CsCheck;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Proofs.Stark;
using static Pocc.Proofs.Tests.Stark.FieldGen;

namespace Pocc.Proofs.Tests.Stark;

public class RowCommitmentTests
{
    /// <summary>Columns of 2^0..2^9 rows (2^12 and up take the parallel path, tested below), sorted distinct indices.</summary>
    private static readonly Gen<(Goldilocks[][] Columns, int[] Indices)> Opening =
        Gen.Select(Gen.Int[0, 9], Gen.Int[1, 4]).SelectMany((log, width) =>
            Gen.Select(Element.Array[1 << log].Array[width], Gen.Int[0, (1 << log) - 1].Array[1, 24],
                (columns, picks) => (columns, picks.Distinct().Order().ToArray())));

    private static Goldilocks[] Row(Goldilocks[][] columns, int index) => [.. columns.Select(c => c[index])];

    private static Goldilocks[][] Rows(Goldilocks[][] columns, int[] indices) => [.. indices.Select(i => Row(columns, i))];

    private static Hash32 FlipBit(Hash32 hash, int bit)
    {
        byte[] bytes = hash.ToArray();
        bytes[bit / 8 % Hash32.Size] ^= (byte)(1 << (bit % 8));
        return new Hash32(bytes);
    }

    [Fact]
    public void Openings_of_random_rows_verify() =>
        Opening.Sample((columns, indices) =>
        {
            RowCommitment tree = RowCommitment.Commit(columns);
            MerkleMultiProof proof = tree.Open(indices);
            Assert.True(RowCommitment.Verify(tree.Root, tree.LogRows, indices, Rows(columns, indices), proof));
        }, iter: 300);

    [Fact]
    public void Extension_field_rows_open_too() =>
        Gen.Int[0, 8].SelectMany(log => Gen.Select(Ext.Array[1 << log].Array[2], Gen.Int[0, (1 << log) - 1].Array[1, 8]))
            .Sample((columns, picks) =>
            {
                int[] indices = [.. picks.Distinct().Order()];
                RowCommitment tree = RowCommitment.Commit(columns);
                GoldilocksExt2[][] rows = [.. indices.Select(i => new[] { columns[0][i], columns[1][i] })];
                Assert.True(RowCommitment.Verify(tree.Root, tree.LogRows, indices, rows, tree.Open(indices)));
                rows[0][1] += GoldilocksExt2.One;
                Assert.False(RowCommitment.Verify(tree.Root, tree.LogRows, indices, rows, tree.Open(indices)));
            }, iter: 100);

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(14)]
    public void Root_is_the_core_Merkle_root_of_the_row_hashes(int log)
    {
        var random = new Random(log);
        Goldilocks[][] columns = [.. Enumerable.Range(0, 3).Select(_ =>
            Enumerable.Range(0, 1 << log).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64())).ToArray())];
        RowCommitment tree = RowCommitment.Commit(columns);
        Hash32[] leaves = [.. Enumerable.Range(0, 1 << log).Select(i => RowCommitment.HashRow(Row(columns, i)))];
        Assert.Equal(MerkleTree.ComputeRoot(leaves), tree.Root);
        Assert.Equal(leaves[^1], tree.Leaf((1 << log) - 1));
        int[] indices = [0, (1 << log) / 3, (1 << log) - 1];
        indices = [.. indices.Distinct()];
        Assert.True(RowCommitment.Verify(tree.Root, log, indices, Rows(columns, indices), tree.Open(indices)));
    }

    [Fact]
    public void Every_single_tampering_is_rejected() =>
        Gen.Select(Opening, Gen.Int[0, 63], Gen.Int[0, 255]).Sample((opening, bit, hashBit) =>
        {
            (Goldilocks[][] columns, int[] indices) = opening;
            RowCommitment tree = RowCommitment.Commit(columns);
            int log = tree.LogRows;
            MerkleMultiProof proof = tree.Open(indices);
            Goldilocks[][] rows = Rows(columns, indices);
            bool Accepts(Hash32 root, int[] ix, Goldilocks[][] rs, IReadOnlyList<Hash32> siblings) =>
                RowCommitment.Verify(root, log, ix, rs, new MerkleMultiProof(siblings));

            Assert.False(Accepts(FlipBit(tree.Root, hashBit), indices, rows, proof.Siblings));
            Assert.False(RowCommitment.Verify(tree.Root, log + 1, indices, rows, proof));
            for (int j = 0; j < rows.Length; j++)
            {
                foreach (int column in new[] { 0, rows[j].Length - 1 })
                {
                    Goldilocks[][] changed = [.. rows.Select(r => r.ToArray())];
                    Goldilocks old = changed[j][column];
                    changed[j][column] = Goldilocks.FromUInt64(old.Value ^ (1UL << bit));
                    if (changed[j][column] == old)
                    {
                        changed[j][column] += Goldilocks.One;
                    }
                    Assert.False(Accepts(tree.Root, indices, changed, proof.Siblings));
                }
            }
            for (int k = 0; k < proof.Siblings.Count; k++)
            {
                List<Hash32> flipped = [.. proof.Siblings];
                flipped[k] = FlipBit(flipped[k], hashBit);
                Assert.False(Accepts(tree.Root, indices, rows, flipped));
                List<Hash32> dropped = [.. proof.Siblings];
                dropped.RemoveAt(k);
                Assert.False(Accepts(tree.Root, indices, rows, dropped));
            }
            for (int k = 0; k <= proof.Siblings.Count; k++)
            {
                List<Hash32> extra = [.. proof.Siblings];
                extra.Insert(k, proof.Siblings.Count > 0 ? proof.Siblings[k % proof.Siblings.Count] : tree.Root);
                Assert.False(Accepts(tree.Root, indices, rows, extra));
            }
            for (int j = 0; j < indices.Length; j++)
            {
                // Another row's index, with this row's values: re-sorted so only the index is wrong. The other row must hold
                // different values, or the "wrong" opening is a true one (random columns can repeat a row).
                int moved = Enumerable.Range(0, tree.Rows).FirstOrDefault(i => !indices.Contains(i) && !Row(columns, i).SequenceEqual(rows[j]), -1);
                if (moved >= 0)
                {
                    var pairs = indices.Zip(rows).ToList();
                    pairs[j] = (moved, rows[j]);
                    pairs.Sort((a, b) => a.First.CompareTo(b.First));
                    Assert.False(Accepts(tree.Root, [.. pairs.Select(p => p.First)], [.. pairs.Select(p => p.Second)], proof.Siblings));
                }
                int[] duplicated = [.. indices[..(j + 1)], indices[j], .. indices[(j + 1)..]];
                Goldilocks[][] duplicatedRows = [.. rows[..(j + 1)], rows[j], .. rows[(j + 1)..]];
                Assert.False(Accepts(tree.Root, duplicated, duplicatedRows, proof.Siblings));
                Assert.False(Accepts(tree.Root, [.. indices[..j], .. indices[(j + 1)..]], [.. rows[..j], .. rows[(j + 1)..]], proof.Siblings));
            }
            if (indices.Length > 1)
            {
                int[] swapped = [indices[1], indices[0], .. indices[2..]];
                Goldilocks[][] swappedRows = [rows[1], rows[0], .. rows[2..]];
                Assert.False(Accepts(tree.Root, swapped, swappedRows, proof.Siblings));
            }
            Assert.False(Accepts(tree.Root, [.. indices[..^1], tree.Rows], rows, proof.Siblings));
            Assert.False(Accepts(tree.Root, [-1, .. indices[1..]], rows, proof.Siblings));
        }, iter: 150);

    [Fact]
    public void Open_refuses_unsorted_duplicate_empty_or_out_of_range_indices()
    {
        RowCommitment tree = RowCommitment.Commit([new Goldilocks[8]]);
        Assert.Throws<ArgumentException>(() => tree.Open([3, 1]));
        Assert.Throws<ArgumentException>(() => tree.Open([2, 2]));
        Assert.Throws<ArgumentException>(() => tree.Open([]));
        Assert.Throws<ArgumentException>(() => tree.Open([8]));
        Assert.Throws<ArgumentException>(() => tree.Open([-1]));
    }

    [Fact]
    public void Commit_refuses_ragged_empty_or_non_power_of_two_columns()
    {
        Assert.Throws<ArgumentException>(() => RowCommitment.Commit(Array.Empty<Goldilocks[]>()));
        Assert.Throws<ArgumentException>(() => RowCommitment.Commit([new Goldilocks[6]]));
        Assert.Throws<ArgumentException>(() => RowCommitment.Commit([Array.Empty<Goldilocks>()]));
        Assert.Throws<ArgumentException>(() => RowCommitment.Commit([new Goldilocks[8], new Goldilocks[4]]));
    }

    [Fact]
    public void A_multi_proof_is_smaller_than_separate_paths() =>
        Opening.Where(o => o.Indices.Length > 1).Sample((columns, indices) =>
        {
            RowCommitment tree = RowCommitment.Commit(columns);
            int separate = indices.Length * tree.LogRows;
            // Two paths at least share the sibling pair below their lowest common ancestor.
            Assert.True(tree.Open(indices).Siblings.Count <= separate - 2);
            int separateBytes = indices.Sum(i => Pocc.Core.Encoding.Canonical.Encode(MerkleTree.Prove(
                [.. Enumerable.Range(0, tree.Rows).Select(tree.Leaf)], i)).Length);
            Assert.True(tree.Open(indices).EncodedSize < separateBytes);
        }, iter: 100);

    [Fact]
    public void Encoding_round_trips_and_rejects_every_truncation_and_trailing_byte() =>
        Opening.Sample((columns, indices) =>
        {
            MerkleMultiProof proof = RowCommitment.Commit(columns).Open(indices);
            byte[] bytes = proof.Encode();
            Assert.Equal(proof.EncodedSize, bytes.Length);
            Assert.Equal(proof.Siblings, MerkleMultiProof.Decode(bytes).Siblings);
            for (int length = 0; length < bytes.Length; length++)
            {
                Assert.Equal(CodecException.Truncated, Assert.Throws<CodecException>(() => MerkleMultiProof.Decode(bytes.AsSpan(0, length))).Code);
            }
            Assert.Equal(CodecException.TrailingBytes, Assert.Throws<CodecException>(() => MerkleMultiProof.Decode([.. bytes, 0])).Code);
        }, iter: 100);

    [Fact]
    public void Decoder_rejects_oversized_counts_and_unknown_versions_before_allocating()
    {
        byte[] tooMany = [MerkleMultiProof.Version, 0x01, 0x00, 0x01, 0x00];
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => MerkleMultiProof.Decode(tooMany)).Code);
        byte[] claimsMore = [MerkleMultiProof.Version, 0x00, 0x01, 0x00, 0x00, .. new byte[64]];
        Assert.Equal(CodecException.Truncated, Assert.Throws<CodecException>(() => MerkleMultiProof.Decode(claimsMore)).Code);
        byte[] wrongVersion = [2, 0, 0, 0, 0];
        Assert.Equal(CodecException.UnknownVersion, Assert.Throws<CodecException>(() => MerkleMultiProof.Decode(wrongVersion)).Code);
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() =>
            MerkleMultiProof.Decode(new byte[MerkleMultiProof.MaxEncodedSize + 1])).Code);
    }
}
