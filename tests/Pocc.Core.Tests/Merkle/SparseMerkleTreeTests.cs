using CsCheck;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;

namespace Pocc.Core.Tests.Merkle;

public class SparseMerkleTreeTests
{
    private static readonly Gen<Hash32> GenRandomKey = Gen.Byte.Array[32].Select(bytes => new Hash32(bytes));

    // Keys that differ only in their last two bytes share at least 240 bits, so their leaves sit deep in the tree.
    private static readonly Gen<Hash32> GenClusteredKey = Gen.Byte.Array[2].Select(tail => Key(30, tail));

    private static readonly Gen<Hash32> GenKey = Gen.OneOf(GenRandomKey, GenClusteredKey);

    // A set of distinct keys with value hashes, and a seed for shuffling and batching.
    private static readonly Gen<(KeyValuePair<Hash32, Hash32>[] Entries, int Seed)> GenEntries =
        Gen.Select(GenKey.HashSet[0, 120], Gen.Int, (keys, seed) =>
            (keys.Select(k => KeyValuePair.Create(k, ValueFor(k, seed))).ToArray(), seed));

    private static Hash32 ValueFor(Hash32 key, int salt) => Blake3Hash.Of([.. key.ToArray(), .. BitConverter.GetBytes(salt)]);

    /// <summary>A key whose bytes from <paramref name="offset"/> on are <paramref name="bytes"/>, zero elsewhere.</summary>
    private static Hash32 Key(int offset, params byte[] bytes)
    {
        var key = new byte[32];
        bytes.CopyTo(key, offset);
        return new Hash32(key);
    }

    private static Hash32 Leaf(Hash32 key, Hash32 value) => SparseMerkleHashing.Leaf(key, value);

    private static SparseMerkleTree SetEach(IEnumerable<KeyValuePair<Hash32, Hash32>> entries)
    {
        var tree = new SparseMerkleTree();
        foreach (var (key, value) in entries)
        {
            tree.Set(key, value);
        }
        return tree;
    }

    private static KeyValuePair<Hash32, Hash32?> Write(Hash32 key, Hash32? value) => KeyValuePair.Create(key, value);

    [Fact]
    public void Empty_tree_has_the_zero_root_and_proves_every_key_absent()
    {
        var tree = new SparseMerkleTree();
        var key = Key(0, 1, 2, 3);

        Assert.Equal(Hash32.Zero, tree.Root);
        Assert.Equal(0, tree.Count);
        Assert.False(tree.TryGet(key, out _));
        Assert.True(tree.Prove(key).VerifyNonInclusion(Hash32.Zero, key));
    }

    [Fact]
    public void Single_entry_is_its_own_leaf_at_the_root()
    {
        var tree = new SparseMerkleTree();
        var (key, value) = (Key(0, 0xAB), Key(0, 0xCD));

        tree.Set(key, value);

        Assert.Equal(Leaf(key, value), tree.Root);
        Assert.True(tree.TryGet(key, out var stored));
        Assert.Equal(value, stored);
    }

    [Fact]
    public void Keys_differing_in_the_first_bit_are_the_two_children_of_the_root()
    {
        var (left, right, value) = (Key(0, 0x00), Key(0, 0x80), Key(0, 1));

        var tree = SetEach([new(right, value), new(left, value)]);

        Assert.Equal(Blake3Hash.Node(Leaf(left, value), Leaf(right, value)), tree.Root);
    }

    [Fact]
    public void Keys_sharing_a_prefix_hang_below_branches_with_empty_siblings()
    {
        // 0x00 = 000..., 0x20 = 001...: the first two bits agree, the third tells them apart.
        var (a, b, value) = (Key(0, 0x00), Key(0, 0x20), Key(0, 1));

        var tree = SetEach([new(a, value), new(b, value)]);

        var split = Blake3Hash.Node(Leaf(a, value), Leaf(b, value));
        Assert.Equal(Blake3Hash.Node(Blake3Hash.Node(split, Hash32.Zero), Hash32.Zero), tree.Root);
    }

    [Fact]
    public void Keys_differing_only_in_the_last_bit_sit_at_depth_256()
    {
        var (a, b, value) = (Key(31, 0x00), Key(31, 0x01), Key(0, 9));
        var tree = SetEach([new(a, value), new(b, value)]);

        var expected = Blake3Hash.Node(Leaf(a, value), Leaf(b, value));
        for (int depth = 254; depth >= 0; depth--)
        {
            expected = Blake3Hash.Node(expected, Hash32.Zero);
        }
        Assert.Equal(expected, tree.Root);
        var proof = tree.Prove(b);
        Assert.Equal(SparseMerkleTree.KeyBits, proof.Siblings.Count);
        Assert.True(proof.VerifyInclusion(tree.Root, b, value));
    }

    [Fact]
    public void Removing_a_neighbour_lifts_the_remaining_leaf_back_to_the_root()
    {
        var (a, b, value) = (Key(31, 0x00), Key(31, 0x01), Key(0, 9));
        var tree = SetEach([new(a, value), new(b, value)]);

        Assert.True(tree.Remove(b));

        Assert.Equal(Leaf(a, value), tree.Root);
        Assert.Equal(1, tree.Count);
    }

    [Fact]
    public void Set_replaces_the_value_of_an_existing_key()
    {
        var key = Key(0, 5);
        var tree = SetEach([new(key, Key(0, 1))]);

        tree.Set(key, Key(0, 2));

        Assert.Equal(1, tree.Count);
        Assert.True(tree.TryGet(key, out var value));
        Assert.Equal(Key(0, 2), value);
        Assert.Equal(Leaf(key, Key(0, 2)), tree.Root);
    }

    [Fact]
    public void Remove_reports_whether_the_key_was_present()
    {
        var tree = SetEach([new(Key(0, 1), Key(0, 1)), new(Key(0, 2), Key(0, 2))]);
        var root = tree.Root;

        Assert.False(tree.Remove(Key(0, 3)));
        Assert.Equal(root, tree.Root);
        Assert.True(tree.Remove(Key(0, 1)));
        Assert.False(tree.Remove(Key(0, 1)));
        Assert.Equal(1, tree.Count);
    }

    [Fact]
    public void Apply_lets_the_last_write_to_a_key_win_and_ignores_removing_absent_keys()
    {
        var (a, b, c) = (Key(0, 1), Key(0, 2), Key(0, 3));
        var tree = new SparseMerkleTree();

        tree.Apply([Write(a, Key(0, 10)), Write(b, Key(0, 20)), Write(a, null), Write(c, null), Write(b, Key(0, 21)), Write(a, Key(0, 11))]);

        var expected = SetEach([new(a, Key(0, 11)), new(b, Key(0, 21))]);
        Assert.Equal(expected.Root, tree.Root);
        Assert.Equal(2, tree.Count);
        Assert.False(tree.TryGet(c, out _));
    }

    [Fact]
    public void Root_depends_only_on_the_set_of_entries()
    {
        GenEntries.Sample((entries, seed) =>
        {
            var random = new Random(seed);
            var shuffled = entries.ToArray();
            random.Shuffle(shuffled);

            Hash32 expected = SetEach(entries).Root;

            Assert.Equal(expected, SetEach(shuffled).Root);
            Assert.Equal(expected, SparseMerkleTree.Build(shuffled).Root);

            var batched = new SparseMerkleTree();
            batched.Apply(shuffled.Select(e => Write(e.Key, e.Value)).ToArray());
            Assert.Equal(expected, batched.Root);

            // Reach the same set through detours: stale values and keys that come and go, in random batches.
            var detoured = new SparseMerkleTree();
            var noise = Enumerable.Range(0, 20).Select(i => Key(0, (byte)i, (byte)seed, 0xEE)).ToArray();
            detoured.Apply([.. noise.Select(k => Write(k, k)), .. entries.Select(e => Write(e.Key, e.Key))]);
            for (int start = 0; start < shuffled.Length; start += 7)
            {
                detoured.Apply(shuffled.Skip(start).Take(7).Select(e => Write(e.Key, e.Value)).ToArray());
            }
            detoured.Apply(noise.Where(k => !entries.Any(e => e.Key == k)).Select(k => Write(k, null)).ToArray());
            Assert.Equal(expected, detoured.Root);
            Assert.Equal(entries.Length, detoured.Count);
        });
    }

    [Fact]
    public void Matches_a_dictionary_under_random_batches_of_writes()
    {
        // A small key pool so that writes often hit existing keys and removals often hit present ones.
        var genWrite = Gen.Select(Gen.Int[0, 40], Gen.Int[0, 3], (k, v) =>
            Write(Key(29, (byte)(k * 37), (byte)k, 0), v == 0 ? null : Key(0, (byte)v, (byte)k)));
        genWrite.Array[0, 30].Array[1, 10].Sample(batches =>
        {
            var tree = new SparseMerkleTree();
            var single = new SparseMerkleTree();
            var model = new Dictionary<Hash32, Hash32>();
            foreach (var batch in batches)
            {
                tree.Apply(batch);
                foreach (var (key, value) in batch)
                {
                    if (value is { } v)
                    {
                        model[key] = v;
                        single.Set(key, v);
                    }
                    else
                    {
                        Assert.Equal(model.Remove(key), single.Remove(key));
                    }
                }
                Assert.Equal(model.Count, tree.Count);
                Assert.Equal(single.Root, tree.Root);
            }
            Assert.Equal(SparseMerkleTree.Build(model).Root, tree.Root);
            foreach (var (key, value) in model)
            {
                Assert.True(tree.TryGet(key, out var stored));
                Assert.Equal(value, stored);
            }
        });
    }

    [Fact]
    public void Removing_every_key_returns_the_root_to_zero()
    {
        GenEntries.Sample((entries, seed) =>
        {
            var one = SparseMerkleTree.Build(entries);
            var batch = SparseMerkleTree.Build(entries);
            var order = entries.Select(e => e.Key).ToArray();
            new Random(seed).Shuffle(order);

            foreach (var key in order)
            {
                Assert.True(one.Remove(key));
            }
            batch.Apply(order.Select(k => Write(k, null)).ToArray());

            Assert.Equal(Hash32.Zero, one.Root);
            Assert.Equal(0, one.Count);
            Assert.Equal(Hash32.Zero, batch.Root);
            Assert.Equal(0, batch.Count);
        });
    }

    [Fact]
    public void Reuses_freed_slots_after_removals()
    {
        var entries = Enumerable.Range(0, 200).Select(i => KeyValuePair.Create(Key(0, (byte)i, 7), Key(0, 1))).ToArray();
        var tree = SparseMerkleTree.Build(entries);
        tree.Apply(entries.Select(e => Write(e.Key, null)).ToArray());

        tree.Apply(entries.Select(e => Write(e.Key, Key(0, 1))).ToArray());

        Assert.Equal(SparseMerkleTree.Build(entries).Root, tree.Root);
    }

    [Fact]
    public void Proves_every_present_key_included_and_only_with_its_value()
    {
        GenEntries.Where(g => g.Entries.Length > 0).Sample((entries, _) =>
        {
            var tree = SparseMerkleTree.Build(entries);
            foreach (var (key, value) in entries)
            {
                var proof = tree.Prove(key);
                Assert.True(proof.VerifyInclusion(tree.Root, key, value));
                Assert.False(proof.VerifyInclusion(tree.Root, key, Blake3Hash.Of(value.ToArray())));
                Assert.False(proof.VerifyNonInclusion(tree.Root, key));
            }
        });
    }

    [Fact]
    public void Proves_absent_keys_not_included()
    {
        Gen.Select(GenEntries, GenKey.Array[1, 20]).Sample((generated, candidates) =>
        {
            var tree = SparseMerkleTree.Build(generated.Entries);
            var present = generated.Entries.Select(e => e.Key).ToHashSet();
            // Near misses of present keys end at a neighbouring leaf or an empty sibling deep in the tree.
            var nearMisses = present.Select(k => FlipBit(k, 255)).Concat(present.Select(k => FlipBit(k, 3)));
            foreach (var key in candidates.Concat(nearMisses).Where(k => !present.Contains(k)))
            {
                var proof = tree.Prove(key);
                Assert.True(proof.VerifyNonInclusion(tree.Root, key));
                Assert.False(proof.VerifyInclusion(tree.Root, key, Hash32.Zero));
                if (proof.Leaf is { } other)
                {
                    Assert.False(proof.VerifyInclusion(tree.Root, key, other.Value));
                }
            }
        });
    }

    [Fact]
    public void Tampered_proofs_fail()
    {
        GenEntries.Where(g => g.Entries.Length > 1).Sample((entries, seed) =>
        {
            var tree = SparseMerkleTree.Build(entries);
            var (key, value) = entries[(seed & int.MaxValue) % entries.Length];
            var present = entries.Select(e => e.Key).ToHashSet();
            var absent = Enumerable.Range(0, 256).Select(bit => FlipBit(key, 255 - bit)).First(k => !present.Contains(k));
            var junk = Blake3Hash.Of([1, 2, 3]);

            foreach (var (proof, included) in new[] { (tree.Prove(key), true), (tree.Prove(absent), false) })
            {
                bool Verifies(SparseMerkleProof p) =>
                    included ? p.VerifyInclusion(tree.Root, key, value) : p.VerifyNonInclusion(tree.Root, absent);

                Assert.True(Verifies(proof));
                for (int i = 0; i < proof.Siblings.Count; i++)
                {
                    var siblings = proof.Siblings.ToArray();
                    siblings[i] = junk;
                    Assert.False(Verifies(proof with { Siblings = siblings }));
                }
                if (proof.Siblings.Count > 0)
                {
                    Assert.False(Verifies(proof with { Siblings = proof.Siblings.Skip(1).ToArray() }));
                    Assert.False(Verifies(proof with { Siblings = proof.Siblings.Take(proof.Siblings.Count - 1).ToArray() }));
                }
                Assert.False(Verifies(proof with { Siblings = [.. proof.Siblings, Hash32.Zero] }));
                Assert.False(Verifies(proof with { Leaf = KeyValuePair.Create(junk, junk) }));
            }
        });
    }

    [Fact]
    public void Non_inclusion_proof_must_not_name_the_key_itself_as_the_other_leaf()
    {
        var (key, value) = (Key(0, 1), Key(0, 2));
        var tree = SetEach([new(key, value)]);

        var inclusion = tree.Prove(key);

        Assert.Equal(KeyValuePair.Create(key, value), inclusion.Leaf);
        Assert.False(inclusion.VerifyNonInclusion(tree.Root, key));
    }

    [Fact]
    public void Non_inclusion_proof_rejects_an_other_leaf_off_the_key_path()
    {
        // Tree {a}: the root is a's leaf, so a proves b absent only while the (empty) prefix is shared.
        var (a, value) = (Key(0, 0x00), Key(0, 2));
        var b = Key(0, 0x80);
        var tree = SetEach([new(a, value)]);
        var proof = tree.Prove(b);
        Assert.True(proof.VerifyNonInclusion(tree.Root, b));

        // Claiming a sits one level down on b's path (bit 0 = 1) contradicts a's own first bit.
        var moved = proof with { Siblings = [Hash32.Zero] };

        Assert.False(moved.VerifyNonInclusion(Blake3Hash.Node(Hash32.Zero, Leaf(a, value)), b));
    }

    [Fact]
    public void Build_rejects_duplicate_keys()
    {
        var key = Key(0, 1);

        Assert.Throws<ArgumentException>(() => SparseMerkleTree.Build([new(key, key), new(key, Key(0, 2))]));
    }

    [Fact]
    public void Large_state_updated_in_blocks_matches_a_fresh_build()
    {
        var random = new Random(12345);
        var state = new Dictionary<Hash32, Hash32>();
        for (int i = 0; i < 50_000; i++)
        {
            state[RandomHash(random)] = RandomHash(random);
        }
        var tree = SparseMerkleTree.Build(state);
        var existing = state.Keys.ToArray();

        for (int block = 0; block < 3; block++)
        {
            var writes = new List<KeyValuePair<Hash32, Hash32?>>();
            for (int i = 0; i < 2_000; i++)
            {
                Hash32 key = random.Next(3) == 0 ? RandomHash(random) : existing[random.Next(existing.Length)];
                Hash32? value = random.Next(5) == 0 ? null : RandomHash(random);
                writes.Add(Write(key, value));
                if (value is { } v)
                {
                    state[key] = v;
                }
                else
                {
                    state.Remove(key);
                }
            }
            tree.Apply(writes);
        }

        Assert.Equal(state.Count, tree.Count);
        Assert.Equal(SparseMerkleTree.Build(state).Root, tree.Root);
    }

    [Fact]
    public void Proofs_survive_their_canonical_encoding()
    {
        Gen.Select(GenEntries, GenKey).Sample((generated, key) =>
        {
            var tree = SparseMerkleTree.Build(generated.Entries);
            var proof = tree.Prove(generated.Entries.Length > 0 ? generated.Entries[0].Key : key);

            var decoded = Canonical.Decode<SparseMerkleProof>(Canonical.Encode(proof), SparseMerkleProof.MaxEncodedSize);

            Assert.Equal(proof.Siblings, decoded.Siblings);
            Assert.Equal(proof.Leaf, decoded.Leaf);
        });
    }

    [Fact]
    public void Decoding_rejects_a_proof_longer_than_the_key()
    {
        var proof = new SparseMerkleProof(new Hash32[SparseMerkleTree.KeyBits + 1], null);

        var error = Assert.Throws<CodecException>(() => Canonical.Decode<SparseMerkleProof>(Canonical.Encode(proof), int.MaxValue));
        Assert.Equal(CodecException.TooLarge, error.Code);
    }

    private static Hash32 RandomHash(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return new Hash32(bytes);
    }

    private static Hash32 FlipBit(Hash32 key, int bit)
    {
        byte[] bytes = key.ToArray();
        bytes[bit / 8] ^= (byte)(0x80 >> (bit % 8));
        return new Hash32(bytes);
    }
}
