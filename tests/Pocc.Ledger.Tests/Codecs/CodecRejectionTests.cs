using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Codecs;

/// <summary>Specific malformed inputs and the stable code each one must fail with.</summary>
public sealed class CodecRejectionTests
{
    private static readonly SignedTransaction SampleTx = new(
        new Transaction(new ChainId("pocc-test"), new PublicKey(new byte[32]), 3, new Amount(10), new Transfer(new Address(new byte[20]), new Amount(5))),
        new Signature(new byte[64]));

    private static CodecException Fails(Action decode) => Assert.Throws<CodecException>(decode);

    /// <summary>A transaction encoding with a raw chain id field and kind byte, which the typed API would not let us build.</summary>
    private static byte[] RawTransaction(WriteField writeChainId, byte kind = (byte)TransactionKind.Transfer)
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Transaction.Version);
        writeChainId(ref writer);
        writer.WriteU8(kind);
        writer.WriteFixed(new byte[PublicKey.Size]);
        writer.WriteU64(3);
        writer.WriteU64(10);
        writer.WriteFixed(new byte[Address.Size]);
        writer.WriteU64(5);
        writer.WriteFixed(new byte[Signature.Size]);
        return writer.ToArray();
    }

    [Fact]
    public void Raw_transaction_helper_writes_what_the_codec_writes()
    {
        Assert.Equal(Canonical.Encode(SampleTx), RawTransaction((ref CanonicalWriter w) => w.WriteString("pocc-test")));
    }

    [Fact]
    public void SignedTransaction_over_the_size_limit_is_too_large()
    {
        byte[] padded = [.. Canonical.Encode(SampleTx), .. new byte[SignedTransaction.MaxEncodedSize]];
        Assert.Equal(CodecException.TooLarge, Fails(() => SignedTransaction.Decode(padded.AsSpan(0, SignedTransaction.MaxEncodedSize + 1))).Code);
        // At exactly the limit the size is allowed and the padding is what gets refused.
        Assert.Equal(CodecException.TrailingBytes, Fails(() => SignedTransaction.Decode(padded.AsSpan(0, SignedTransaction.MaxEncodedSize))).Code);
    }

    [Fact]
    public void BlockHeader_over_the_size_limit_is_too_large()
    {
        var bytes = new byte[BlockHeader.MaxEncodedSize + 1];
        Assert.Equal(CodecException.TooLarge, Fails(() => Canonical.Decode<BlockHeader>(bytes, BlockHeader.MaxEncodedSize)).Code);
    }

    [Fact]
    public void Commit_over_the_size_limit_is_too_large()
    {
        var bytes = new byte[Commit.MaxEncodedSize + 1];
        Assert.Equal(CodecException.TooLarge, Fails(() => Canonical.Decode<Commit>(bytes, Commit.MaxEncodedSize)).Code);
    }

    [Fact]
    public void Block_over_the_size_limit_is_too_large()
    {
        var bytes = new byte[Block.MaxEncodedSize + 1];
        Assert.Equal(CodecException.TooLarge, Fails(() => Block.Decode(bytes)).Code);
    }

    [Fact]
    public void Chain_id_longer_than_the_limit_is_too_large()
    {
        var bytes = RawTransaction((ref CanonicalWriter w) => w.WriteString(new string('a', ChainId.MaxLength + 1)));
        Assert.Equal(CodecException.TooLarge, Fails(() => SignedTransaction.Decode(bytes)).Code);
    }

    [Theory]
    [InlineData("Pocc-Test")]
    [InlineData("pocc test")]
    [InlineData("")]
    public void Malformed_chain_id_is_an_invalid_value(string chainId)
    {
        var bytes = RawTransaction((ref CanonicalWriter w) => w.WriteString(chainId));
        Assert.Equal(CodecException.InvalidValue, Fails(() => SignedTransaction.Decode(bytes)).Code);
    }

    [Fact]
    public void Chain_id_that_is_not_utf8_is_an_invalid_value()
    {
        var bytes = RawTransaction((ref CanonicalWriter w) => w.WriteBytes([0xC3, 0x28]));
        Assert.Equal(CodecException.InvalidValue, Fails(() => SignedTransaction.Decode(bytes)).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(255)]
    public void Unknown_transaction_kind_is_an_invalid_value(byte kind)
    {
        var bytes = RawTransaction((ref CanonicalWriter w) => w.WriteString("pocc-test"), kind);
        Assert.Equal(CodecException.InvalidValue, Fails(() => SignedTransaction.Decode(bytes)).Code);
    }

    [Fact]
    public void Block_with_more_transactions_than_the_limit_is_too_large()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Block.Version);
        Header().Write(ref writer);
        writer.WriteU32(100_001);
        byte[] bytes = writer.ToArray();
        Assert.Equal(CodecException.TooLarge, Fails(() => Block.Decode(bytes)).Code);
    }

    [Fact]
    public void Block_carrying_an_oversized_transaction_is_too_large()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Block.Version);
        Header().Write(ref writer);
        writer.WriteU32(1);
        writer.WriteBytes([.. Canonical.Encode(SampleTx), .. new byte[SignedTransaction.MaxEncodedSize]]);
        byte[] bytes = writer.ToArray();
        Assert.Equal(CodecException.TooLarge, Fails(() => Block.Decode(bytes)).Code);
    }

    [Fact]
    public void Block_with_a_transaction_of_unknown_version_is_refused()
    {
        byte[] tx = Canonical.Encode(SampleTx);
        tx[0] = 2;
        var block = new Block(Header(), [SampleTx]).Encode();
        int at = block.AsSpan().IndexOf(Canonical.Encode(SampleTx));
        tx.CopyTo(block, at);
        Assert.Equal(CodecException.UnknownVersion, Fails(() => Block.Decode(block)).Code);
    }

    [Fact]
    public void Block_with_a_header_of_unknown_version_is_refused()
    {
        var block = new Block(Header(), []).Encode();
        block[1] = 1; // byte 0 is the block's version, byte 1 the header's; version 1 had no beacon proof
        Assert.Equal(CodecException.UnknownVersion, Fails(() => Block.Decode(block)).Code);
    }

    [Fact]
    public void Commit_with_signatures_out_of_address_order_is_non_canonical()
    {
        var (low, high) = TwoAddresses();
        var commit = new Commit(new Height(1), 0, Hash32.Zero, [new CommitSignature(high, new Signature(new byte[64])), new CommitSignature(low, new Signature(new byte[64]))]);
        var error = Fails(() => Canonical.Decode<Commit>(Canonical.Encode(commit), Commit.MaxEncodedSize));
        Assert.Equal(CodecException.NonCanonical, error.Code);
    }

    [Fact]
    public void Commit_with_a_repeated_validator_is_non_canonical()
    {
        var (low, _) = TwoAddresses();
        var commit = new Commit(new Height(1), 0, Hash32.Zero, [new CommitSignature(low, new Signature(new byte[64])), new CommitSignature(low, new Signature(new byte[64]))]);
        var error = Fails(() => Canonical.Decode<Commit>(Canonical.Encode(commit), Commit.MaxEncodedSize));
        Assert.Equal(CodecException.NonCanonical, error.Code);
    }

    [Fact]
    public void Commit_with_more_signatures_than_the_limit_is_too_large()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(Commit.Version);
        writer.WriteU64(1);
        writer.WriteU32(0);
        writer.WriteHash(Hash32.Zero);
        writer.WriteU32(Commit.MaxSignatures + 1);
        byte[] bytes = writer.ToArray();
        Assert.Equal(CodecException.TooLarge, Fails(() => Canonical.Decode<Commit>(bytes, Commit.MaxEncodedSize)).Code);
    }

    [Fact]
    public void Account_with_unbonding_entries_out_of_order_is_non_canonical()
    {
        var account = new Account(new Amount(1), 0, Amount.Zero, [new UnbondingEntry(new Amount(1), new Height(9)), new UnbondingEntry(new Amount(1), new Height(8))]);
        Assert.Equal(CodecException.NonCanonical, Fails(() => Account.Decode(account.Encode())).Code);
    }

    [Fact]
    public void Account_with_more_unbonding_entries_than_the_limit_is_too_large()
    {
        var entries = Enumerable.Range(1, Account.MaxUnbondingEntries + 1).Select(h => new UnbondingEntry(new Amount(1), new Height((ulong)h)));
        var account = new Account(new Amount(1), 0, Amount.Zero, [.. entries]);
        Assert.Equal(CodecException.TooLarge, Fails(() => Account.Decode(account.Encode())).Code);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void Boolean_other_than_zero_or_one_is_non_canonical(byte value)
    {
        byte[] bytes = new Validator(new PublicKey(new byte[32]), Jailed: false) { Benched = true }.Encode();
        Assert.Equal(1, bytes[^1]);
        bytes[^1] = value;
        Assert.Equal(CodecException.NonCanonical, Fails(() => Validator.Decode(bytes)).Code);
    }

    [Fact]
    public void Validator_round_trips_both_boolean_values()
    {
        foreach (bool jailed in new[] { false, true })
        {
            var validator = new Validator(new PublicKey(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), jailed);
            Assert.Equal(validator, Validator.Decode(validator.Encode()));
        }
    }

    private static BlockHeader Header() =>
        new(new ChainId("pocc-test"), new Height(1), 0, Hash32.Zero, Hash32.Zero, Hash32.Zero, 0, Hash32.Zero, Address.Zero, default);

    private static (Address Low, Address High) TwoAddresses()
    {
        var a = new byte[20];
        var b = new byte[20];
        b[0] = 1;
        return (new Address(a), new Address(b));
    }

    private delegate void WriteField(ref CanonicalWriter writer);
}
