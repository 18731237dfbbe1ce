using CsCheck;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Core.Tests.Merkle;

public class MerkleTreeTests
{
    private static Hash32[] Leaves(int count) =>
        Enumerable.Range(0, count).Select(i => Blake3Hash.Leaf(BitConverter.GetBytes(i))).ToArray();

    // Random leaf counts, and a leaf list of that size built from a random seed.
    private static readonly Gen<Hash32[]> GenLeaves =
        Gen.Select(Gen.Int[1, 300], Gen.Int, (count, salt) =>
            Enumerable.Range(0, count).Select(i => Blake3Hash.Leaf(BitConverter.GetBytes(((long)salt << 32) | (uint)i))).ToArray());

    // RFC 6962's recursive definition (left subtree = largest power of two below n) builds the same tree as pairing
    // level by level and promoting the odd node, so it serves as an independent reference.
    private static Hash32 ReferenceRoot(ReadOnlySpan<Hash32> leaves)
    {
        if (leaves.Length == 1)
        {
            return leaves[0];
        }
        int split = 1;
        while (split * 2 < leaves.Length)
        {
            split *= 2;
        }
        return Blake3Hash.Node(ReferenceRoot(leaves[..split]), ReferenceRoot(leaves[split..]));
    }

    [Fact]
    public void Empty_tree_has_the_zero_root()
    {
        Assert.Equal(Hash32.Zero, MerkleTree.ComputeRoot([]));
    }

    [Fact]
    public void Single_leaf_is_its_own_root()
    {
        var leaf = Blake3Hash.Leaf([42]);

        Assert.Equal(leaf, MerkleTree.ComputeRoot([leaf]));
    }

    [Fact]
    public void Promotes_the_odd_node_instead_of_duplicating_it()
    {
        var (a, b, c) = (Blake3Hash.Leaf([1]), Blake3Hash.Leaf([2]), Blake3Hash.Leaf([3]));

        Hash32 root = MerkleTree.ComputeRoot([a, b, c]);

        Assert.Equal(Blake3Hash.Node(Blake3Hash.Node(a, b), c), root);
        Assert.NotEqual(MerkleTree.ComputeRoot([a, b, c, c]), root);
    }

    [Fact]
    public void Hashes_raw_leaves_with_the_leaf_tag()
    {
        byte[][] data = [[1, 2], [3]];

        Assert.Equal([Blake3Hash.Leaf([1, 2]), Blake3Hash.Leaf([3])], MerkleTree.HashLeaves(data));
    }

    [Fact]
    public void Root_matches_the_recursive_definition()
    {
        GenLeaves.Sample(leaves => Assert.Equal(ReferenceRoot(leaves), MerkleTree.ComputeRoot(leaves)));
    }

    [Fact]
    public void Root_does_not_depend_on_the_list_type()
    {
        Hash32[] leaves = Leaves(37);

        Assert.Equal(MerkleTree.ComputeRoot(leaves), MerkleTree.ComputeRoot(leaves.ToList()));
    }

    [Fact]
    public void Every_leaf_proof_verifies()
    {
        GenLeaves.Sample(leaves =>
        {
            Hash32 root = MerkleTree.ComputeRoot(leaves);
            for (int i = 0; i < leaves.Length; i++)
            {
                var proof = MerkleTree.Prove(leaves, i);
                Assert.True(proof.Verify(root, leaves[i]), $"leaf {i} of {leaves.Length}");
            }
        }, iter: 40);
    }

    [Fact]
    public void Proof_fails_for_an_altered_leaf_sibling_or_root()
    {
        Gen.Select(GenLeaves.Where(l => l.Length > 1), Gen.Int.NonNegative).Sample((leaves, pick) =>
        {
            int index = pick % leaves.Length;
            Hash32 root = MerkleTree.ComputeRoot(leaves);
            var proof = MerkleTree.Prove(leaves, index);
            var other = Blake3Hash.Leaf([0xEE]);

            Assert.False(proof.Verify(root, other));
            Assert.False(proof.Verify(other, leaves[index]));
            for (int s = 0; s < proof.Siblings.Count; s++)
            {
                var siblings = proof.Siblings.ToArray();
                siblings[s] = other;
                Assert.False((proof with { Siblings = siblings }).Verify(root, leaves[index]));
            }
        });
    }

    [Fact]
    public void Proof_fails_at_any_other_index()
    {
        Gen.Select(GenLeaves.Where(l => l.Length > 1), Gen.Int.NonNegative).Sample((leaves, pick) =>
        {
            int index = pick % leaves.Length;
            Hash32 root = MerkleTree.ComputeRoot(leaves);
            var proof = MerkleTree.Prove(leaves, index);
            for (int other = 0; other < leaves.Length; other++)
            {
                Assert.Equal(other == index, (proof with { LeafIndex = other }).Verify(root, leaves[index]));
            }
        });
    }

    [Fact]
    public void Proof_fails_when_a_sibling_is_added_or_dropped()
    {
        Hash32[] leaves = Leaves(6);
        Hash32 root = MerkleTree.ComputeRoot(leaves);
        var proof = MerkleTree.Prove(leaves, 2);

        Assert.False((proof with { Siblings = [.. proof.Siblings, Hash32.Zero] }).Verify(root, leaves[2]));
        Assert.False((proof with { Siblings = proof.Siblings.Take(proof.Siblings.Count - 1).ToArray() }).Verify(root, leaves[2]));
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(5, 5)]
    [InlineData(0, 0)]
    [InlineData(0, -3)]
    public void Proof_with_an_impossible_index_and_count_fails(int index, int count)
    {
        Hash32[] leaves = Leaves(5);
        var proof = MerkleTree.Prove(leaves, 0) with { LeafIndex = index, LeafCount = count };

        Assert.False(proof.Verify(MerkleTree.ComputeRoot(leaves), leaves[0]));
    }

    [Fact]
    public void Proof_with_a_count_that_changes_the_path_shape_fails()
    {
        Hash32[] leaves = Leaves(8);
        Hash32 root = MerkleTree.ComputeRoot(leaves);
        var proof = MerkleTree.Prove(leaves, 3);

        // In 4 leaves index 3 has one sibling fewer, in 16 one more. (Counts 5 to 7 give index 3 the same path, which is
        // why the count must be committed outside the root.)
        Assert.False((proof with { LeafCount = 4 }).Verify(root, leaves[3]));
        Assert.False((proof with { LeafCount = 16 }).Verify(root, leaves[3]));
    }

    [Fact]
    public void Single_leaf_proof_has_no_siblings()
    {
        var leaf = Blake3Hash.Leaf([7]);

        var proof = MerkleTree.Prove([leaf], 0);

        Assert.Empty(proof.Siblings);
        Assert.True(proof.Verify(leaf, leaf));
    }

    [Fact]
    public void Refuses_to_prove_an_index_outside_the_list()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(Leaves(3), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(Leaves(3), -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove([], 0));
    }

    [Fact]
    public void Proof_survives_its_canonical_encoding()
    {
        Gen.Select(GenLeaves, Gen.Int.NonNegative).Sample((leaves, pick) =>
        {
            var proof = MerkleTree.Prove(leaves, pick % leaves.Length);

            var decoded = Canonical.Decode<MerkleProof>(Canonical.Encode(proof), MerkleProof.MaxEncodedSize);

            Assert.Equal((proof.LeafIndex, proof.LeafCount), (decoded.LeafIndex, decoded.LeafCount));
            Assert.Equal(proof.Siblings, decoded.Siblings);
        });
    }

    [Fact]
    public void Decoding_rejects_an_index_outside_the_count()
    {
        byte[] encoded = Canonical.Encode(new MerkleProof(0, 1, []));
        encoded[1] = 1; // leaf index 1 of 1

        var error = Assert.Throws<CodecException>(() => Canonical.Decode<MerkleProof>(encoded, MerkleProof.MaxEncodedSize));
        Assert.Equal(CodecException.InvalidValue, error.Code);
    }
}
