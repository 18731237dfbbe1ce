using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Ledger.Tests.State;

/// <summary>
/// A transaction the state transition must refuse with <see cref="Code"/>, after the <see cref="Prelude"/>
/// (valid transactions that set the scene) has run. Genesis is <see cref="Genesis"/>: the default with a minimum fee of 5.
/// </summary>
internal sealed record Refusal(SignedTransaction[] Prelude, SignedTransaction Transaction, string Code)
{
    public const ulong MinimumFee = 5;

    public static GenesisBuilder Genesis() => GenesisBuilder.Default().WithParameters(p => p with { MinimumFee = MinimumFee });

    public static TheoryData<string> Names => [.. Cases.Keys];

    public static Refusal Get(string name) => Cases[name]();

    private static readonly Dictionary<string, Func<Refusal>> Cases = new()
    {
        ["nonce already used"] = () => new(
            [Tx.Transfer(Alice, Bob, 1).WithNonce(0).Signed()],
            Tx.Transfer(Alice, Bob, 2).WithNonce(0).Signed(), LedgerErrors.NonceTooLow),
        ["nonce ahead of the account"] = () => new([], Tx.Transfer(Alice, Bob, 1).WithNonce(1).Signed(), LedgerErrors.NonceGap),
        ["transfer more than the balance"] = () => new([], Tx.Transfer(Alice, Bob, GenesisBuilder.DefaultBalance + 1).Signed(), LedgerErrors.InsufficientFunds),
        ["transfer the whole balance leaving nothing for the fee"] = () => new([], Tx.Transfer(Alice, Bob, GenesisBuilder.DefaultBalance).Signed(), LedgerErrors.InsufficientFunds),
        ["bond more than the balance"] = () => new([], Tx.Bond(Alice, GenesisBuilder.DefaultBalance).Signed(), LedgerErrors.InsufficientFunds),
        ["unbond without balance for the fee"] = () => new([], Tx.Unbond(ValidatorKey, 1).Signed(), LedgerErrors.InsufficientFunds),
        ["unbond with nothing bonded"] = () => new([], Tx.Unbond(Alice, 1).Signed(), LedgerErrors.InsufficientStake),
        ["unbond more than bonded"] = () => new(
            [Tx.Bond(Alice, 50).Signed()],
            Tx.Unbond(Alice, 51).WithNonce(1).Signed(), LedgerErrors.InsufficientStake),
        ["transfer of zero"] = () => new([], Tx.Transfer(Alice, Bob, 0).Signed(), LedgerErrors.ZeroAmount),
        ["bond of zero"] = () => new([], Tx.Bond(Alice, 0).Signed(), LedgerErrors.ZeroAmount),
        ["unbond of zero"] = () => new([Tx.Bond(Alice, 50).Signed()], Tx.Unbond(Alice, 0).WithNonce(1).Signed(), LedgerErrors.ZeroAmount),
        ["transfer to oneself"] = () => new([], Tx.Transfer(Alice, Alice, 1).Signed(), LedgerErrors.SelfTransfer),
        ["fee below the minimum"] = () => new([], Tx.Transfer(Alice, Bob, 1).WithFee(MinimumFee - 1).Signed(), LedgerErrors.FeeTooLow),
        ["signed for another chain"] = () => new([], Tx.Transfer(Alice, Bob, 1).OnChain("pocc-other").Signed(), LedgerErrors.WrongChainId),
        ["seventeenth pending unbonding"] = () => new(
            [Tx.Bond(Alice, 100).Signed(), .. Enumerable.Range(1, 16).Select(n => Tx.Unbond(Alice, 1).WithNonce((ulong)n).Signed())],
            Tx.Unbond(Alice, 1).WithNonce(17).Signed(), LedgerErrors.TooManyUnbondings),
    };
}
