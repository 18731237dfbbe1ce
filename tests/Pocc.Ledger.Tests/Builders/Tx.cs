using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>Starts a transaction: <c>Tx.Transfer(alice, bob, 100).WithNonce(1).WithFee(5).SignedBy(alice)</c>.</summary>
internal static class Tx
{
    public static TxBuilder Transfer(KeyPair from, Address to, ulong amount) => new(from, new Transfer(to, new Amount(amount)));

    public static TxBuilder Transfer(KeyPair from, KeyPair to, ulong amount) => Transfer(from, to.Address, amount);

    public static TxBuilder Bond(KeyPair from, ulong amount) => new(from, new Bond(new Amount(amount)));

    public static TxBuilder Unbond(KeyPair from, ulong amount) => new(from, new Unbond(new Amount(amount)));

    public static TxBuilder Unjail(KeyPair from) => new(from, new Unjail());
}

/// <summary>An unsigned transaction being built; defaults: nonce 0, fee 10, the test chain id.</summary>
internal sealed record TxBuilder(KeyPair From, TransactionPayload Payload)
{
    public const ulong DefaultFee = 10;

    public ulong Nonce { get; init; }

    public ulong Fee { get; init; } = DefaultFee;

    public string ChainId { get; init; } = GenesisBuilder.DefaultChainId;

    public TxBuilder WithNonce(ulong nonce) => this with { Nonce = nonce };

    public TxBuilder WithFee(ulong fee) => this with { Fee = fee };

    public TxBuilder OnChain(string chainId) => this with { ChainId = chainId };

    public Transaction Build() => new(new ChainId(ChainId), From.PublicKey, Nonce, new Amount(Fee), Payload);

    /// <summary>Signs with the sender's own key.</summary>
    public SignedTransaction Signed() => SignedBy(From);

    /// <summary>Signs with <paramref name="key"/>, which need not be the sender's: a foreign key gives a transaction whose signature does not verify.</summary>
    public SignedTransaction SignedBy(KeyPair key)
    {
        var tx = Build();
        return new SignedTransaction(tx, key.Sign(tx.SigningBytes()));
    }
}
