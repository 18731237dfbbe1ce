using CsCheck;
using Pocc.Core.Addressing;
using Pocc.Ledger.Tests.Builders;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Chain;

/// <summary>Random blocks of valid and invalid transactions, checked against <see cref="LedgerModel"/> and replayed on a second store.</summary>
public sealed class BlockchainPropertyTests
{
    private const ulong Balance = 5_000;
    private static readonly string[] Senders = TestKeys.FundedLabels;
    private static readonly Address Stranger = TestKeys.Of("stranger").Address;

    /// <summary>
    /// One intended transaction. <see cref="NonceShift"/> moves the nonce off the sender's next one;
    /// <see cref="Flaw"/> 1 signs it for another chain, 2 signs it with someone else's key.
    /// </summary>
    private sealed record Op(int Sender, int Kind, ulong Amount, int NonceShift, ulong Fee, int Recipient, int Flaw)
    {
        public override string ToString() =>
            $"{Senders[Sender]} {(Kind switch { 0 => "transfer", 1 => "bond", _ => "unbond" })} {Amount} shift {NonceShift} fee {Fee} to {Recipient} flaw {Flaw}";
    }

    private static readonly Gen<ulong> GenAmount = Gen.Frequency(
        (1, Gen.Const(0UL)),
        (8, Gen.Long[1, 2_000].Select(a => (ulong)a)),
        (1, Gen.Long[1, 1_000_000_000_000].Select(a => (ulong)a)));

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Int[0, Senders.Length - 1],
        Gen.Frequency((5, Gen.Const(0)), (3, Gen.Const(1)), (3, Gen.Const(2))),
        GenAmount,
        Gen.Frequency((12, Gen.Const(0)), (1, Gen.Const(-1)), (1, Gen.Const(1)), (1, Gen.Const(3))),
        Gen.Long[0, 25].Select(f => (ulong)f),
        Gen.Int[0, Senders.Length],
        Gen.Frequency((30, Gen.Const(0)), (1, Gen.Const(1)), (1, Gen.Const(2))),
        (sender, kind, amount, shift, fee, recipient, flaw) => new Op(sender, kind, amount, shift, fee, recipient, flaw));

    private static GenesisBuilder Genesis()
    {
        var genesis = new GenesisBuilder().WithValidator("validator", GenesisBuilder.DefaultValidatorStake)
            .WithParameters(p => p with { UnbondingPeriodBlocks = 2, FeeBurnBasisPoints = 3_333, MinimumFee = 1 });
        foreach (var label in Senders)
        {
            genesis.WithAccount(label, Balance);
        }
        return genesis;
    }

    [Fact]
    public void Random_blocks_follow_the_model_conserve_supply_and_replay_to_the_same_roots()
    {
        GenOp.Array[0, 12].Array[1, 8].Sample(blocks =>
        {
            using var t = TestChain.Create(Genesis());
            var model = new LedgerModel(t.Genesis);
            var reward = t.Chain.Parameters.BlockReward.Value;

            foreach (var ops in blocks)
            {
                var height = t.Chain.Height.Next;
                model.BeginBlock(height.Value);
                var (candidates, verdicts) = Build(model, ops);
                var produced = t.Produce(candidates);

                var included = produced.Block.Transactions.Select(tx => tx.Hash).ToList();
                Assert.Equal(candidates.Where((_, i) => verdicts[i] is null).Select(tx => tx.Hash), included);
                // Two generated operations can sign the very same transaction, so one hash can be refused twice.
                var rejected = produced.Rejected.ToLookup(r => r.Transaction.Hash, r => r.Code);
                for (int i = 0; i < candidates.Length; i++)
                {
                    if (verdicts[i] is { } code)
                    {
                        Assert.True(rejected[candidates[i].Hash].Contains(code), $"{candidates[i]} should have been refused with {code}, not {string.Join(", ", rejected[candidates[i].Hash])}");
                    }
                }
                model.EndBlock(t.Proposer.Address);

                Assert.True(t.Chain.SupplyIsConserved());
                var supply = t.Chain.Supply;
                Assert.Equal(model.GenesisSupply, supply.Genesis.Value);
                Assert.Equal(reward * height.Value, supply.Minted.Value);
                Assert.Equal(model.Burned, supply.Burned.Value);
                Assert.Equal(model.GenesisSupply + model.Minted - model.Burned, supply.Total.Value);
                ulong holdings = 0;
                foreach (var address in model.Addresses.Append(Stranger).Distinct())
                {
                    var account = t.Chain.GetAccount(address);
                    Assert.True(model[address].Matches(account), $"account {address}: model {model[address]}, chain {LedgerModel.ModelAccount.Of(account)}");
                    holdings += account.Holdings.Value;
                }
                Assert.Equal(supply.Total.Value, holdings);
            }

            using var replica = t.Replica();
            foreach (var (block, commit) in t.CommittedBlocks())
            {
                replica.Chain.Apply(block, commit);
                Assert.Equal(block.Header.StateRoot, replica.Chain.StateRoot);
            }
            Assert.Equal(ChainSnapshot.Of(t.Chain, [Stranger]), ChainSnapshot.Of(replica.Chain, [Stranger]));
        }, iter: 20, print: blocks => string.Join(" | ", blocks.Select(ops => string.Join(", ", ops))));
    }

    /// <summary>
    /// Turns intents into signed transactions, numbering nonces from the model's view of each sender (so a refused
    /// transaction does not leave every later one with a gap), and records the model's verdict on each.
    /// </summary>
    private static (SignedTransaction[] Candidates, string?[] Verdicts) Build(LedgerModel model, Op[] ops)
    {
        var txs = new SignedTransaction[ops.Length];
        var verdicts = new string?[ops.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            var key = TestKeys.Of(Senders[op.Sender]);
            var to = op.Recipient == Senders.Length ? Stranger : TestKeys.Of(Senders[op.Recipient]).Address;
            var builder = op.Kind switch
            {
                0 => Tx.Transfer(key, to, op.Amount),
                1 => Tx.Bond(key, op.Amount),
                _ => Tx.Unbond(key, op.Amount),
            };
            ulong nonce = (ulong)Math.Max(0, (long)model[key.Address].Nonce + op.NonceShift);
            builder = builder.WithNonce(nonce).WithFee(op.Fee);
            txs[i] = op.Flaw switch
            {
                1 => builder.OnChain("pocc-other").Signed(),
                2 => builder.SignedBy(TestKeys.Of(Senders[(op.Sender + 1) % Senders.Length])),
                _ => builder.Signed(),
            };
            verdicts[i] = model.Apply(txs[i]);
        }
        return (txs, verdicts);
    }
}
