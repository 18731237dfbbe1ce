using System.Globalization;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;


namespace Pocc.Node.Api;

/// <summary>Maps ledger objects to their JSON shapes.</summary>
public static class ApiMapping
{
    public static string Amount(Ledger.Primitives.Amount amount) => amount.Value.ToString(CultureInfo.InvariantCulture);

    public static TransactionModel ToModel(SignedTransaction signed)
    {
        var tx = signed.Transaction;
        var (to, amount) = tx.Payload switch
        {
            Transfer t => (t.To.ToString(), Amount(t.Amount)),
            Bond b => (null, Amount(b.Amount)),
            Unbond u => (null, Amount(u.Amount)),
            _ => ((string?)null, (string?)null),
        };
        return new TransactionModel(signed.Hash.ToString(), tx.Payload.Kind.ToString().ToLowerInvariant(), tx.ChainId.Value, tx.SenderAddress.ToString(),
            tx.Sender.ToString(), tx.Nonce, Amount(tx.Fee), to, amount, signed.Signature.ToString(), Convert.ToHexStringLower(signed.Encoded));
    }

    public static HeaderModel ToModel(BlockHeader h) => new(h.ChainId.Value, h.Height.Value, h.TimestampMs, h.PreviousHash.ToString(), h.LastCommitHash.ToString(),
        h.TransactionsRoot.ToString(), h.TransactionCount, h.StateRoot.ToString(), h.Proposer.ToString(),
        h.BeaconProof.ToString(), Beacon.FromProof(h.BeaconProof).ToString());

    public static CommitModel ToModel(Commit c) => new(c.Height.Value, c.Round, c.BlockHash.ToString(),
        [.. c.Signatures.Select(s => new CommitSignatureModel(s.Validator.ToString(), s.Signature.ToString()))]);

    public static BlockModel ToModel(Block block, Commit? commit, bool includeTransactions) => new(
        block.Hash.ToString(),
        ToModel(block.Header),
        commit is null ? null : ToModel(commit),
        [.. block.Transactions.Select(t => t.Hash.ToString())],
        includeTransactions ? [.. block.Transactions.Select(ToModel)] : null);

    public static MerkleProofModel ToModel(MerkleProof proof) => new(proof.LeafIndex, proof.LeafCount, [.. proof.Siblings.Select(s => s.ToString())]);

    public static SparseProofModel ToModel(Core.Hashing.Hash32 key, SparseMerkleProof proof) => new(
        key.ToString(),
        [.. proof.Siblings.Select(s => s.ToString())],
        proof.Leaf?.Key.ToString(),
        proof.Leaf?.Value.ToString());

    /// <summary>The task's worker, or null while none is assigned (the ledger stores the zero address then).</summary>
    private static string? WorkerOf(ComputeTask t) => t.Worker == Core.Addressing.Address.Zero ? null : t.Worker.ToString();

    public static TaskEventModel ToEvent(ComputeTask t) =>
        new(t.Id, WireNames.Name(t.State), WireNames.Name(t.Outcome), WorkerOf(t));

    public static TaskModel ToModel(ComputeTask t, Core.Hashing.Hash32? challengeSeed) => new(
        t.Id, t.Requester.ToString(), WireNames.Name(t.Spec.Kind), WireNames.Name(t.Spec.Policy), t.Spec.Rows, t.Spec.Inner, t.Spec.Columns,
        new BlobRefModel(t.Spec.InputA.Root.ToString(), t.Spec.InputA.Size), new BlobRefModel(t.Spec.InputB.Root.ToString(), t.Spec.InputB.Size),
        t.Spec.ToleranceppB, t.Spec.Rounds, t.Spec.Redundancy, t.Spec.DeadlineBlocks, Amount(t.Fee), WireNames.Name(t.State), WireNames.Name(t.Outcome),
        t.PostedHeight.Value, WorkerOf(t), t.AssignedHeight.Value, t.Attempts,
        t.Result.Size == 0 && t.Result.Root.IsZero ? null : new BlobRefModel(t.Result.Root.ToString(), t.Result.Size),
        t.CommitHeight.Value, t.ClosedHeight.Value, t.Spec.SoundnessBits, t.Spec.ComputeUnits, challengeSeed?.ToString());

    public static WorkerModel ToModel(Core.Addressing.Address address, Worker w)
    {
        var capabilities = new List<string>();
        foreach (var (kind, name) in WireNames.Kinds)
        {
            if ((w.Capabilities & TaskKinds.RequiredCapability(kind)) != 0)
            {
                capabilities.Add(name);
            }
        }
        return new WorkerModel(address.ToString(), Amount(w.Stake), capabilities, w.Reputation, w.ActiveTasks, w.VerifiedComputeUnits,
            w.TasksSettled, w.TasksRejected, w.DeadlinesMissed, Amount(w.Earned), Amount(w.Slashed), w.RegisteredHeight.Value);
    }

    public static IReadOnlyList<UnbondingModel> ToModel(Account account) =>
        [.. account.Unbonding.Select(u => new UnbondingModel(Amount(u.Amount), u.ReleaseHeight.Value))];
}
