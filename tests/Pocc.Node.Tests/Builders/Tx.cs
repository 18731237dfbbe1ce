using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Node.Tests.Builders;

/// <summary>Starts a transaction: <c>Tx.Transfer(alice, bob.Address, 100).WithNonce(1).WithFee(5).Signed()</c>.</summary>
internal static class Tx
{
    public static TxBuilder Transfer(KeyPair from, Address to, ulong amount) => new(from, new Transfer(to, new Amount(amount)));
}

/// <summary>An unsigned transaction being built; defaults: nonce 0, fee 10, the test node's chain id.</summary>
internal sealed record TxBuilder(KeyPair From, TransactionPayload Payload)
{
    public const ulong DefaultFee = 10;

    public ulong Nonce { get; init; }

    public ulong Fee { get; init; } = DefaultFee;

    public string ChainId { get; init; } = TestNode.ChainId;

    public TxBuilder WithNonce(ulong nonce) => this with { Nonce = nonce };

    public TxBuilder WithFee(ulong fee) => this with { Fee = fee };

    public TxBuilder OnChain(string chainId) => this with { ChainId = chainId };

    public Transaction Build() => new(new ChainId(ChainId), From.PublicKey, Nonce, new Amount(Fee), Payload);

    /// <summary>Signs with the sender's own key.</summary>
    public SignedTransaction Signed() => SignedBy(From);

    /// <summary>Signs with <paramref name="key"/>; a key other than the sender's gives a signature that does not verify.</summary>
    public SignedTransaction SignedBy(KeyPair key)
    {
        var tx = Build();
        return new SignedTransaction(tx, key.Sign(tx.SigningBytes()));
    }
}

internal static class SignedTransactionExtensions
{
    public static byte[] Bytes(this SignedTransaction tx) => tx.Encoded.ToArray();

    public static string Hex(this SignedTransaction tx) => Convert.ToHexStringLower(tx.Encoded);
}
