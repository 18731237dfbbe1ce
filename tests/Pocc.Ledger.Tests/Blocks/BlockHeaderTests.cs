using Pocc.Core.Addressing;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.Tests.Blocks;

public sealed class BlockHeaderTests
{
    private static BlockHeader Header(Hash32 stateRoot) =>
        new(new ChainId("pocc-test"), new Height(7), 1_000, Blake3Hash.Of("parent"u8), Hash32.Zero, Hash32.Zero, 0, stateRoot, Address.Zero, default);

    [Fact]
    public void Hash_is_blake3_of_the_canonical_encoding()
    {
        var header = Header(Hash32.Zero);
        Assert.Equal(Blake3Hash.Of(Canonical.Encode(header)), header.Hash);
    }

    [Fact]
    public void Headers_differing_in_any_field_have_different_hashes()
    {
        var a = Header(Hash32.Zero);
        var b = Header(Blake3Hash.Of("other root"u8));
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void The_largest_header_fits_its_size_bound_and_a_truncated_beacon_proof_is_refused()
    {
        var largest = Header(Hash32.Zero) with
        {
            ChainId = new ChainId(new string('a', ChainId.MaxLength)),
            BeaconProof = new VrfProof(Enumerable.Repeat((byte)0xFF, VrfProof.Size).ToArray()),
        };
        var bytes = Canonical.Encode(largest);

        Assert.InRange(bytes.Length, 1, BlockHeader.MaxEncodedSize);
        Assert.Equal(largest, Canonical.Decode<BlockHeader>(bytes, BlockHeader.MaxEncodedSize));
        Assert.Throws<CodecException>(() => Canonical.Decode<BlockHeader>(bytes.AsSpan(0, bytes.Length - 1), BlockHeader.MaxEncodedSize));
    }

    [Fact]
    public void The_beacon_proof_is_part_of_the_hash()
    {
        var header = Header(Hash32.Zero);
        var other = header with { BeaconProof = new VrfProof(Enumerable.Repeat((byte)1, VrfProof.Size).ToArray()) };
        Assert.NotEqual(header, other);
        Assert.NotEqual(header.Hash, other.Hash);
    }

    [Fact]
    public void Header_copied_with_a_changed_field_has_the_hash_of_its_own_contents()
    {
        var original = Header(Hash32.Zero);
        _ = original.Hash;

        var changed = original with { StateRoot = Blake3Hash.Of("other root"u8) };

        Assert.Equal(Blake3Hash.Of(Canonical.Encode(changed)), changed.Hash);
        Assert.NotEqual(original.Hash, changed.Hash);
    }

    [Fact]
    public void Equal_headers_are_equal_whether_or_not_their_hash_was_computed()
    {
        var hashed = Header(Hash32.Zero);
        _ = hashed.Hash;
        Assert.Equal(Header(Hash32.Zero), hashed);
    }
}
