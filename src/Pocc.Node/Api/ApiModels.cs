using System.Globalization;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.State;
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

public sealed record BlockEventModel(ulong Height, string Hash, ulong TimestampMs, uint TransactionCount, string StateRoot, string Proposer, long? FinalityMsP50);

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

    public static IReadOnlyList<UnbondingModel> ToModel(Account account) =>
        [.. account.Unbonding.Select(u => new UnbondingModel(Amount(u.Amount), u.ReleaseHeight.Value))];
}
