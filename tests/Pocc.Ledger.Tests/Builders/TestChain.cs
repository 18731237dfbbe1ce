using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Storage;

namespace Pocc.Ledger.Tests.Builders;

/// <summary>A block produced by <see cref="TestChain.Produce(SignedTransaction[])"/>: what went in, the commit, and what was left out.</summary>
internal sealed record ProducedBlock(Block Block, Commit Commit, IReadOnlyList<RejectedTransaction> Rejected);

/// <summary>
/// A <see cref="Blockchain"/> on a real RocksDB store in a temp directory (deleted on dispose), with the genesis
/// validators' keys so tests can propose, sign commits and commit blocks in one call.
/// </summary>
internal sealed class TestChain : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly GenesisBuilder _builder;
    private RocksDbStore _store;

    private TestChain(GenesisBuilder builder, IResultVerifier? results)
    {
        _builder = builder;
        Results = results;
        Genesis = builder.Build();
        ValidatorKeys = builder.ValidatorKeys;
        _store = RocksDbStore.Open(_directory.Path);
        Chain = Blockchain.Open(_store, Genesis, results: results);
    }

    /// <summary>
    /// A chain with <see cref="GenesisBuilder.Default"/> unless told otherwise. Without <paramref name="results"/> the
    /// chain has no result verifier, so it refuses every verdict (see <see cref="Blockchain.Open"/>).
    /// </summary>
    public static TestChain Create(GenesisBuilder? genesis = null, IResultVerifier? results = null) => new(genesis ?? GenesisBuilder.Default(), results);

    /// <summary>The result verifier the chain was opened with (kept across <see cref="Reopen()"/> and <see cref="Replica"/>).</summary>
    public IResultVerifier? Results { get; }

    public GenesisDocument Genesis { get; }

    public Blockchain Chain { get; private set; }

    public IReadOnlyList<KeyPair> ValidatorKeys { get; }

    /// <summary>The first genesis validator in the current set (the committee draw may bench some); it proposes the blocks this helper makes.</summary>
    public KeyPair Proposer
    {
        get
        {
            var set = Chain.GetValidatorSet();
            return ValidatorKeys.FirstOrDefault(key => set.Contains(key.Address)) ?? ValidatorKeys[0];
        }
    }

    public string DirectoryPath => _directory.Path;

    /// <summary>A second chain with the same genesis in its own empty store, to replay or sync blocks into.</summary>
    public TestChain Replica() => new(_builder, Results);

    /// <summary>Like <see cref="Replica"/>, but checking verdicts with <paramref name="results"/> (none: it refuses every verdict).</summary>
    public TestChain ReplicaWith(IResultVerifier? results) => new(_builder, results);

    /// <summary>Proposes a block from <paramref name="candidates"/>, has every genesis validator sign its commit, and commits it.</summary>
    public ProducedBlock Produce(params SignedTransaction[] candidates)
    {
        var proposed = Propose(candidates);
        var commit = SignCommit(proposed.Block);
        var committed = Chain.Commit(proposed, commit);
        return new ProducedBlock(committed.Block, committed.Commit, proposed.Rejected);
    }

    public void ProduceEmpty(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Produce();
        }
    }

    /// <summary>Executes the next block without committing it; timestamps advance one second per height from genesis time.</summary>
    public ProposedBlock Propose(params SignedTransaction[] candidates) =>
        Chain.Propose(candidates, Proposer.Address, Genesis.GenesisTimeMs + (Chain.Height.Value + 1) * 1000, alpha => Ecvrf.Prove(Proposer, alpha));

    /// <summary>
    /// A commit for <paramref name="block"/> signed by <paramref name="signers"/> (by default every genesis validator still
    /// in the validator set, so a jailed one does not sign).
    /// </summary>
    public Commit SignCommit(Block block, IEnumerable<KeyPair>? signers = null, uint round = 0)
    {
        var set = Chain.GetValidatorSet();
        return Commits.Sign(Chain.ChainId, block, signers ?? ValidatorKeys.Where(key => set.Contains(key.Address)), round);
    }

    /// <summary>Every committed block with its commit, read back from the store.</summary>
    public IEnumerable<(Block Block, Commit Commit)> CommittedBlocks()
    {
        for (ulong h = 1; h <= Chain.Height.Value; h++)
        {
            var height = new Primitives.Height(h);
            yield return (Chain.GetBlock(height)!, Chain.GetCommit(height)!);
        }
    }

    /// <summary>Closes the store and opens the chain again from disk, as a restarted node would.</summary>
    public void Reopen() => Reopen(Genesis);

    /// <summary>Closes the store and opens it again with <paramref name="genesis"/>; throws whatever <see cref="Blockchain.Open"/> throws.</summary>
    public void Reopen(GenesisDocument genesis)
    {
        Chain.Dispose();
        _store.Dispose();
        _store = RocksDbStore.Open(_directory.Path);
        Chain = Blockchain.Open(_store, genesis, results: Results);
    }

    public void Dispose()
    {
        Chain.Dispose();
        _store.Dispose();
        _directory.Dispose();
    }
}
