using CsCheck;
using Pocc.Core.Encoding;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.State;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Codecs;

/// <summary>Decoding gives back the same value, field by field, and its encoding is the bytes it came from.</summary>
public sealed class RoundTripTests
{
    [Fact]
    public void SignedTransaction_round_trips()
    {
        CodecGen.SignedTransactions.Sample(tx =>
        {
            byte[] bytes = Canonical.Encode(tx);
            var decoded = SignedTransaction.Decode(bytes);
            Assert.Equal(tx.Transaction, decoded.Transaction);
            Assert.Equal(tx.Signature, decoded.Signature);
            Assert.Equal(tx.Hash, decoded.Hash);
            Assert.Equal(bytes, Canonical.Encode(decoded));
        }, iter: 200);
    }

    [Fact]
    public void BlockHeader_round_trips()
    {
        CodecGen.BlockHeaders.Sample(header =>
        {
            byte[] bytes = Canonical.Encode(header);
            var decoded = Canonical.Decode<BlockHeader>(bytes, BlockHeader.MaxEncodedSize);
            Assert.Equal(header, decoded);
            Assert.Equal(header.Hash, decoded.Hash);
            Assert.Equal(bytes, Canonical.Encode(decoded));
        }, iter: 200);
    }

    [Fact]
    public void Block_round_trips()
    {
        CodecGen.Blocks.Sample(block =>
        {
            byte[] bytes = block.Encode();
            var decoded = Block.Decode(bytes);
            Assert.Equal(block.Header, decoded.Header);
            Assert.Equal(block.Hash, decoded.Hash);
            Assert.Equal(block.Transactions.Select(tx => tx.Hash), decoded.Transactions.Select(tx => tx.Hash));
            Assert.Equal(block.Transactions.Select(tx => tx.Transaction), decoded.Transactions.Select(tx => tx.Transaction));
            Assert.Equal(bytes, decoded.Encode());
        }, iter: 100);
    }

    [Fact]
    public void Commit_round_trips()
    {
        CodecGen.Commits.Sample(commit =>
        {
            byte[] bytes = Canonical.Encode(commit);
            var decoded = Canonical.Decode<Commit>(bytes, Commit.MaxEncodedSize);
            Assert.Equal(commit.Height, decoded.Height);
            Assert.Equal(commit.Round, decoded.Round);
            Assert.Equal(commit.BlockHash, decoded.BlockHash);
            Assert.Equal(commit.Signatures, decoded.Signatures);
            Assert.Equal(commit.Hash, decoded.Hash);
            Assert.Equal(bytes, Canonical.Encode(decoded));
        }, iter: 200);
    }

    [Fact]
    public void Account_round_trips()
    {
        CodecGen.Accounts.Sample(account =>
        {
            byte[] bytes = account.Encode();
            var decoded = Account.Decode(bytes);
            Assert.Equal(account.Balance, decoded.Balance);
            Assert.Equal(account.Nonce, decoded.Nonce);
            Assert.Equal(account.Bonded, decoded.Bonded);
            // ImmutableArray equality is by reference, so compare the contents.
            Assert.Equal(account.Unbonding.ToArray(), decoded.Unbonding.ToArray());
            Assert.Equal(bytes, decoded.Encode());
        }, iter: 200);
    }

    [Fact]
    public void Different_transactions_have_different_hashes()
    {
        Gen.Select(CodecGen.SignedTransactions, CodecGen.SignedTransactions).Sample((a, b) =>
        {
            bool sameBytes = Canonical.Encode(a).AsSpan().SequenceEqual(Canonical.Encode(b));
            Assert.Equal(sameBytes, a.Hash == b.Hash);
        }, iter: 100);
    }
}
