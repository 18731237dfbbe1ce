using Pocc.Core.Hashing;
using Pocc.Ledger;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Primitives;

namespace Pocc.Simulation;

/// <summary>
/// The safety and liveness properties a run must keep, checked as it goes: honest validators never finalize two
/// different blocks at one height (agreement); every finalized block passes the ledger's own checks, commit of more
/// than 2/3 of the power included, on an independent auditor chain (validity); honest validators at one height have
/// one state root; every honest ledger conserves supply. Liveness is the simulation's deadline.
/// </summary>
internal sealed class InvariantChecker(SimulationOptions options, GenesisDocument genesis, Simulation simulation)
{
    private readonly Dictionary<Height, Hash32> _decided = [];
    private readonly Dictionary<Height, Hash32> _stateRoots = [];
    // Replays the first block finalized at each height, so a block that only its proposer's ledger accepted is caught.
    private readonly Blockchain _auditor = Blockchain.Open(new InMemoryKeyValueStore(), genesis);
    private readonly List<Violation> _violations = [];
    private readonly HashSet<int> _changed = [];

    public IReadOnlyList<Violation> Violations => _violations;

    public uint MaxRound { get; private set; }

    public void OnFinalized(SimulatedValidator node, CommittedBlock committed)
    {
        var height = committed.Block.Header.Height;
        MaxRound = Math.Max(MaxRound, committed.Commit.Round);
        if (node.IsByzantine)
        {
            return;
        }
        _changed.Add(node.Index);
        if (_decided.TryGetValue(height, out var decided))
        {
            if (decided != committed.Block.Hash)
            {
                Fail(InvariantKinds.Agreement, $"v{node.Index} finalized {committed.Block.Hash} at height {height.Value}, another honest validator {decided}");
            }
            return;
        }
        _decided[height] = committed.Block.Hash;
        Audit(node, committed);
    }

    /// <summary>State roots and supply of the honest validators whose ledger changed in the step just taken.</summary>
    public void AfterStep(IReadOnlyList<SimulatedValidator> nodes)
    {
        foreach (int index in _changed)
        {
            var node = nodes[index];
            var head = node.Chain.GetHead();
            var root = head.StateRoot;
            if (options.Sabotage == Sabotage.CorruptStateRoot && index == nodes.First(n => !n.IsByzantine).Index && head.Height.Value == 2)
            {
                root = Blake3Hash.Of(root.ToArray());
            }
            if (!_stateRoots.TryAdd(head.Height, root) && _stateRoots[head.Height] != root)
            {
                Fail(InvariantKinds.StateRoot, $"v{index} has state root {root} at height {head.Height.Value}, another honest validator {_stateRoots[head.Height]}");
            }
            if (!node.Chain.SupplyIsConserved())
            {
                Fail(InvariantKinds.Supply, $"v{index}'s ledger does not conserve supply at height {head.Height.Value}");
            }
        }
        _changed.Clear();
    }

    public void Fail(string kind, string detail) =>
        _violations.Add(new Violation(options.Seed, options.Validators, simulation.Steps, simulation.NowMs, kind, detail));

    private void Audit(SimulatedValidator node, CommittedBlock committed)
    {
        var height = committed.Block.Header.Height;
        if (height != _auditor.Height.Next)
        {
            Fail(InvariantKinds.Validity, $"v{node.Index} finalized height {height.Value} before any honest validator finalized {_auditor.Height.Next.Value}");
            return;
        }
        try
        {
            // Validators may hold different quorums of precommits for the parent; the block names the one it builds on.
            if (height.Value > 1 && node.Chain.GetCommit(new Height(height.Value - 1)) is { } parent && parent.Hash == committed.Block.Header.LastCommitHash)
            {
                _auditor.AdoptLastCommit(parent);
            }
            _auditor.Apply(committed.Block, committed.Commit);
        }
        catch (LedgerException e)
        {
            Fail(InvariantKinds.Validity, $"block {committed.Block.Hash} finalized by v{node.Index} at height {height.Value} is refused by the ledger: {e.Code} {e.Message}");
        }
    }
}
