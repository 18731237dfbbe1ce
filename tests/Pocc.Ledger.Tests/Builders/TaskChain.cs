using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>
/// A <see cref="TestChain"/> for compute-market tests: the default genesis with the validator funded (it sends
/// verdicts), a <see cref="ScriptedResults"/> verifier, and transactions numbered from each sender's current nonce.
/// </summary>
internal sealed class TaskChain : IDisposable
{
    private TaskChain(TestChain chain, ScriptedResults results)
    {
        Test = chain;
        Results = results;
    }

    /// <summary>
    /// A chain with the default parameters changed by <paramref name="parameters"/>; with <paramref name="verifier"/>
    /// false it has no result verifier (and so refuses every verdict), though <see cref="Results"/> still exists.
    /// </summary>
    public static TaskChain Create(Func<GenesisParameters, GenesisParameters>? parameters = null, bool verifier = true)
    {
        var results = new ScriptedResults();
        return new TaskChain(TestChain.Create(Genesis(parameters), verifier ? results : null), results);
    }

    public static GenesisBuilder Genesis(Func<GenesisParameters, GenesisParameters>? parameters = null) =>
        GenesisBuilder.Default().WithAccount("validator", GenesisBuilder.DefaultBalance).WithParameters(parameters ?? (p => p));

    public TestChain Test { get; }

    public Blockchain Chain => Test.Chain;

    public ScriptedResults Results { get; }

    /// <summary>The only genesis validator: it proposes every block and sends the verdicts.</summary>
    public KeyPair Validator => Test.Proposer;

    /// <summary>Signs <paramref name="txs"/> in order, each sender's numbered on from its nonce in the chain.</summary>
    public SignedTransaction[] Sign(params TxBuilder[] txs)
    {
        var next = new Dictionary<Core.Addressing.Address, ulong>();
        var signed = new SignedTransaction[txs.Length];
        for (int i = 0; i < txs.Length; i++)
        {
            var sender = txs[i].From.Address;
            ulong nonce = next.TryGetValue(sender, out var n) ? n : Chain.GetAccount(sender).Nonce;
            next[sender] = nonce + 1;
            signed[i] = txs[i].WithNonce(nonce).Signed();
        }
        return signed;
    }

    public ProducedBlock Produce(params TxBuilder[] txs) => Test.Produce(Sign(txs));

    /// <summary>Produces a block in which every transaction must be accepted, and checks the supply afterwards.</summary>
    public ProducedBlock ProduceOk(params TxBuilder[] txs)
    {
        var produced = Produce(txs);
        Assert.True(produced.Rejected.Count == 0,
            $"refused at height {produced.Block.Header.Height}: {string.Join("; ", produced.Rejected.Select(r => $"{r.Transaction.Transaction.Payload.Kind} {r.Code} {r.Reason}"))}");
        Assert.True(Chain.SupplyIsConserved(), $"supply not conserved after height {produced.Block.Header.Height}");
        return produced;
    }

    public void ProduceEmpty(int count)
    {
        for (int i = 0; i < count; i++)
        {
            ProduceOk();
        }
    }

    public ComputeTask Task(ulong id) => Chain.GetTask(id) ?? throw new Xunit.Sdk.XunitException($"no task {id}");

    public Worker Worker(KeyPair key) => Chain.GetWorker(key.Address) ?? throw new Xunit.Sdk.XunitException($"{key.Address} is not a worker");

    public ulong Balance(KeyPair key) => Chain.GetAccount(key.Address).Balance.Value;

    /// <summary>The hash of the block before <paramref name="height"/> (the genesis hash before block 1): what assignment at that height draws from.</summary>
    public Core.Hashing.Hash32 ParentHashOf(Primitives.Height height) =>
        height.Value == 1 ? Chain.GenesisHash : Chain.GetHeader(new Primitives.Height(height.Value - 1))!.Hash;

    public void Dispose() => Test.Dispose();
}
