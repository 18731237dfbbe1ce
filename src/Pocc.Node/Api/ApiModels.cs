using System.Globalization;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Node.Api;

// The JSON shapes of the HTTP API (snake_case on the wire). Token amounts are decimal strings: they can
// exceed 2^53, which JavaScript numbers cannot hold exactly.

public sealed record SubmitTransactionRequest(string Tx);

public sealed record SubmitTransactionResponse(string Hash, string Status);

public sealed record SubmitBatchRequest(IReadOnlyList<string> Txs);

public sealed record BatchItemResult(string? Hash, bool Accepted, string? Code, string? Detail);

public sealed record SubmitBatchResponse(int Accepted, int Rejected, IReadOnlyList<BatchItemResult> Results);

public sealed record SupplyModel(string Genesis, string Minted, string Burned, string Total);

public sealed record StatusModel(
    string ChainId,
    string GenesisHash,
    ulong Height,
    string HeadHash,
    string StateRoot,
    ulong? LatestBlockTimeMs,
    string Engine,
    string? Validator,
    bool Producing,
    int Validators,
    double BlockIntervalMs,
    int MempoolSize,
    long MempoolBytes,
    int Peers,
    double TxPerSecond,
    long BlocksFinalized,
    long TransactionsFinalized,
    long? FinalityMsP50,
    long? FinalityMsP99,
    SupplyModel Supply,
    bool SupplyConserved,
    string Version);

public sealed record UnbondingModel(string Amount, ulong ReleaseHeight);

public sealed record SparseProofModel(string Key, IReadOnlyList<string> Siblings, string? LeafKey, string? LeafValueHash);

public sealed record AccountModel(
    string Address,
    string Balance,
    ulong Nonce,
    string Bonded,
    IReadOnlyList<UnbondingModel> Unbonding,
    ulong Height,
    string StateRoot,
    string ValueHash,
    SparseProofModel Proof);

public sealed record TransactionModel(
    string Hash,
    string Kind,
    string ChainId,
    string Sender,
    string PublicKey,
    ulong Nonce,
    string Fee,
    string? To,
    string? Amount,
    string Signature,
    string Encoded);

public sealed record HeaderModel(
    string ChainId,
    ulong Height,
    ulong TimestampMs,
    string PreviousHash,
    string LastCommitHash,
    string TransactionsRoot,
    uint TransactionCount,
    string StateRoot,
    string Proposer);

public sealed record CommitSignatureModel(string Validator, string Signature);

public sealed record CommitModel(ulong Height, uint Round, string BlockHash, IReadOnlyList<CommitSignatureModel> Signatures);

public sealed record BlockModel(
    string Hash,
    HeaderModel Header,
    CommitModel? Commit,
    IReadOnlyList<string> TransactionHashes,
    IReadOnlyList<TransactionModel>? Transactions);

public sealed record MerkleProofModel(int LeafIndex, int LeafCount, IReadOnlyList<string> Siblings);

public sealed record TransactionLookupModel(
    string Hash,
    string Status,
    ulong? Height,
    int? Index,
    string? BlockHash,
    string? TransactionsRoot,
    MerkleProofModel? Proof,
    TransactionModel? Transaction);

public sealed record TaskEventModel(ulong Id, string State, string Outcome, string? Worker);

public sealed record BlockEventModel(ulong Height, string Hash, ulong TimestampMs, uint TransactionCount, string StateRoot, string Proposer, long? FinalityMsP50,
    IReadOnlyList<TaskEventModel> Tasks);

public sealed record BlobRefModel(string Root, ulong Size);

public sealed record TaskModel(
    ulong Id,
    string Requester,
    string Kind,
    uint Rows,
    uint Inner,
    uint Columns,
    BlobRefModel InputA,
    BlobRefModel InputB,
    uint TolerancePpb,
    byte Rounds,
    byte Redundancy,
    uint DeadlineBlocks,
    string Fee,
    string State,
    string Outcome,
    ulong PostedHeight,
    string? Worker,
    ulong AssignedHeight,
    byte Attempts,
    BlobRefModel? Result,
    ulong CommitHeight,
    ulong ClosedHeight,
    int SoundnessBits,
    ulong ComputeUnits,
    string? ChallengeSeed);

public sealed record TaskListModel(IReadOnlyList<TaskModel> Tasks, ulong? NextBefore);

public sealed record WorkerModel(
    string Address,
    string Stake,
    IReadOnlyList<string> Capabilities,
    uint Reputation,
    uint ActiveTasks,
    ulong VerifiedComputeUnits,
    ulong TasksSettled,
    ulong TasksRejected,
    ulong DeadlinesMissed,
    string Earned,
    string Slashed,
    ulong RegisteredHeight);

public sealed record WorkerListModel(IReadOnlyList<WorkerModel> Workers);

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
        h.TransactionsRoot.ToString(), h.TransactionCount, h.StateRoot.ToString(), h.Proposer.ToString());

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

    /// <summary>The task kinds by their wire names, the one place those names are written.</summary>
    private static readonly (TaskKind Kind, string Name)[] KindNames = [(TaskKind.MatmulFloat64, "matmul_f64"), (TaskKind.MatmulMod61, "matmul_mod61")];

    public static string Name(TaskKind kind)
    {
        foreach (var (known, name) in KindNames)
        {
            if (known == kind)
            {
                return name;
            }
        }
        return "unknown";
    }

    public static bool TryParseKind(string name, out TaskKind kind)
    {
        foreach (var (known, knownName) in KindNames)
        {
            if (knownName == name)
            {
                kind = known;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public static string Name(TaskState state) => state.ToString().ToLowerInvariant();

    public static string Name(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.None => "none",
        TaskOutcome.Verified => "verified",
        TaskOutcome.WrongResult => "wrong_result",
        TaskOutcome.MalformedResult => "malformed_result",
        TaskOutcome.ResultUnavailable => "result_unavailable",
        TaskOutcome.DeadlineMissed => "deadline_missed",
        TaskOutcome.Refunded => "refunded",
        TaskOutcome.Unverified => "unverified",
        _ => "unknown",
    };

    public static bool TryParseState(string text, out TaskState state) =>
        Enum.TryParse(text, ignoreCase: true, out state) && Enum.IsDefined(state) && !char.IsDigit(text[0]);

    /// <summary>The task's worker, or null while none is assigned (the ledger stores the zero address then).</summary>
    private static string? WorkerOf(ComputeTask t) => t.Worker == Core.Addressing.Address.Zero ? null : t.Worker.ToString();

    public static TaskEventModel ToEvent(ComputeTask t) =>
        new(t.Id, Name(t.State), Name(t.Outcome), WorkerOf(t));

    public static TaskModel ToModel(ComputeTask t, Core.Hashing.Hash32? challengeSeed) => new(
        t.Id, t.Requester.ToString(), Name(t.Spec.Kind), t.Spec.Rows, t.Spec.Inner, t.Spec.Columns,
        new BlobRefModel(t.Spec.InputA.Root.ToString(), t.Spec.InputA.Size), new BlobRefModel(t.Spec.InputB.Root.ToString(), t.Spec.InputB.Size),
        t.Spec.ToleranceppB, t.Spec.Rounds, t.Spec.Redundancy, t.Spec.DeadlineBlocks, Amount(t.Fee), Name(t.State), Name(t.Outcome),
        t.PostedHeight.Value, WorkerOf(t), t.AssignedHeight.Value, t.Attempts,
        t.Result.Size == 0 && t.Result.Root.IsZero ? null : new BlobRefModel(t.Result.Root.ToString(), t.Result.Size),
        t.CommitHeight.Value, t.ClosedHeight.Value, t.Spec.SoundnessBits, t.Spec.ComputeUnits, challengeSeed?.ToString());

    public static WorkerModel ToModel(Core.Addressing.Address address, Worker w)
    {
        var capabilities = new List<string>();
        foreach (var (kind, name) in KindNames)
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
