using Pocc.Core.Addressing;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Hashing;
using Pocc.Core.Merkle;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;
using Pocc.Storage;

namespace Pocc.Ledger.Chain;

/// <summary>
/// The node's chain: the committed blocks on disk and the state after the last of them in memory.
/// It executes proposals, verifies and commits finalized blocks (one atomic write each), and answers
/// queries. All methods are thread-safe; state changes happen under one lock, one block at a time.
/// </summary>
public sealed class Blockchain : IDisposable
{
    private readonly ChainStore _store;
    private readonly LedgerState _state;
    // Readers (queries, mempool admission) share the lock; one writer at a time executes or commits a block under an
    // upgradeable read, so admission never waits for a block to execute, and takes the exclusive lock only for the
    // short moments it changes the in-memory state or its tree.
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private BlockHeader? _headHeader;
    private Commit? _lastCommit;
    // The last block Validate executed successfully, so committing it (Apply) does not execute it a second time.
    private Validated? _validated;
    // The set that had to sign the head's commit: the one before the head executed, which may have changed the set.
    // Stored with each block, so a restarted node can still adopt another quorum's commit for its head.
    private ValidatorSet? _headSigners;

    private readonly IResultVerifier? _results;

    private Blockchain(ChainStore store, GenesisDocument genesis, LedgerState state, TransactionVerifier verifier, IResultVerifier? results)
    {
        _store = store;
        _state = state;
        _results = results;
        Verifier = verifier;
        GenesisHash = genesis.Hash;
        GenesisTimeMs = genesis.GenesisTimeMs;
        ChainId = genesis.GetChainId();
        Parameters = genesis.GetParameters();
        Transition = new StateTransition(ChainId, Parameters);
        _headHash = GenesisHash;
        _beacon = Consensus.Beacon.Genesis(GenesisHash);
    }

    public ChainId ChainId { get; }

    public ChainParameters Parameters { get; }

    public StateTransition Transition { get; }

    public TransactionVerifier Verifier { get; }

    public Hash32 GenesisHash { get; }

    public ulong GenesisTimeMs { get; }

    public Height Height => Read(() => _headHeader?.Height ?? Height.Genesis);

    private Hash32 _headHash;
    // The head's beacon (derived from its header's proof, so it needs no storage of its own).
    private Hash32 _beacon;
    // The last supply check and the head it was made at; readers may race to refresh it, with the same answer.
    private volatile SupplyCheck? _supplyCheck;
    private volatile TaskCensus? _taskCensus;

    private sealed record SupplyCheck(Hash32 Head, bool Conserved);

    private sealed record TaskCensus(Hash32 Head, IReadOnlyDictionary<TaskState, long> Counts);

    public Hash32 HeadHash => Read(() => _headHash);

    /// <summary>The beacon after the head: the genesis beacon before block 1, then each block's VRF output.</summary>
    public Hash32 Beacon => Read(() => _beacon);

    public BlockHeader? HeadHeader => Read(() => _headHeader);

    public Hash32 StateRoot => Read(() => _state.Root);

    public SupplyLedger Supply => Read(() => _state.Supply);

    /// <summary>Raised after a block is on disk and in the state, outside the chain's lock.</summary>
    public event Action<CommittedBlock>? BlockCommitted;

    /// <summary>
    /// Opens the chain in <paramref name="kv"/>: writes the genesis state into an empty store, or loads the stored
    /// state, rebuilds its tree and checks the root against the last committed header before anything else runs.
    /// </summary>
    /// <param name="results">
    /// Checks compute results before a verdict on them is accepted. Without one, this node cannot check verdicts and
    /// refuses every block or transaction that carries one: a wrong result is never settled on trust.
    /// </param>
    public static Blockchain Open(IKeyValueStore kv, GenesisDocument genesis, TransactionVerifier? verifier = null, IResultVerifier? results = null)
    {
        var store = new ChainStore(kv);
        var genesisHash = genesis.Hash;
        var storedGenesis = store.GenesisHash;
        if (storedGenesis is null)
        {
            var state = genesis.BuildState();
            store.WriteGenesis(genesisHash, state);
            return new Blockchain(store, genesis, state, verifier ?? new TransactionVerifier(), results);
        }
        if (storedGenesis.Value != genesisHash)
        {
            throw new StorageException(StorageException.Corrupt, $"the database belongs to genesis {storedGenesis.Value}, not to this genesis file ({genesisHash})");
        }
        var loaded = store.LoadState();
        var chain = new Blockchain(store, genesis, loaded, verifier ?? new TransactionVerifier(), results);
        var (height, hash) = store.Head ?? throw new StorageException(StorageException.Corrupt, "the database has a genesis but no head");
        if (height > Height.Genesis)
        {
            var header = store.GetHeader(height) ?? throw new StorageException(StorageException.Corrupt, $"head block {height} has no stored header");
            if (header.Hash != hash || header.StateRoot != loaded.Root)
            {
                throw new StorageException(StorageException.Corrupt, $"stored state root {loaded.Root} does not match head block {height}'s {header.StateRoot}");
            }
            chain._headHeader = header;
            chain._lastCommit = store.GetCommit(height);
            chain._headSigners = store.HeadSigners;
            chain._headHash = hash;
            chain._beacon = Consensus.Beacon.FromProof(header.BeaconProof);
        }
        else if (genesis.BuildState().Root != loaded.Root)
        {
            throw new StorageException(StorageException.Corrupt, "stored genesis state does not match the genesis file");
        }
        return chain;
    }

    /// <summary>The head, its hash and the state root after it, read together so they describe the same block.</summary>
    public ChainHead GetHead() => Read(() => new ChainHead(_headHeader?.Height ?? Height.Genesis, _headHash, _state.Root, _headHeader));

    /// <summary>An account as of the last committed block (or the one being applied); lock-free, for the hot admission path.</summary>
    public Account GetAccount(Address address) => _state.GetAccount(address);

    /// <summary>The account, its proof against the head's state root, and the head (null before block 1).</summary>
    public (Account Account, SparseMerkleProof Proof, Hash32 StateRoot, BlockHeader? Header) GetAccountWithProof(Address address) =>
        Read(() => (_state.GetAccount(address), _state.ProveAccount(address), _state.Root, _headHeader));

    public ValidatorSet GetValidatorSet() => Read(() => ValidatorSet.FromState(_state, Parameters));

    /// <summary>A validator's record (key, jailed flag, compute credit, punished offences) as of the head, or null.</summary>
    public Validator? GetValidator(Address address) => Read(() => _state.GetValidator(address));

    public int AccountCount => Read(() => _state.AccountCount);

    public BlockHeader? GetHeader(Height height) => _store.GetHeader(height);

    public Block? GetBlock(Height height) => _store.GetBlock(height);

    public Block? GetBlock(Hash32 hash) => _store.GetHeight(hash) is { } height ? _store.GetBlock(height) : null;

    public Commit? GetCommit(Height height) => _store.GetCommit(height);

    public TransactionLocation? FindTransaction(Hash32 txHash) => _store.FindTransaction(txHash);

    /// <summary>Total holdings equal genesis + minted − burned. Checked by tests and reported by the devnet.</summary>
    public bool SupplyIsConserved() => Read(() =>
    {
        // The sum walks the whole state; the status endpoint asks often, the answer changes only with the head.
        if (_supplyCheck is { } check && check.Head == _headHash)
        {
            return check.Conserved;
        }
        bool conserved = _state.SumOfHoldings() == _state.Supply.Total;
        _supplyCheck = new SupplyCheck(_headHash, conserved);
        return conserved;
    });

    /// <summary>
    /// Builds the next block from <paramref name="candidates"/> (in order): each is executed and kept, or left out
    /// with its reason. Nothing is committed; the result goes to consensus and back to <see cref="Commit(ProposedBlock, Commit)"/>.
    /// <paramref name="proveBeacon"/> is asked, under the chain's lock so the head cannot move meanwhile, for the
    /// proposer's VRF proof over the beacon input (<see cref="Consensus.Beacon.Alpha"/>); the caller holds the key.
    /// </summary>
    /// <exception cref="LedgerException">The proposer is not in the validator set, or its proof does not verify.</exception>
    public ProposedBlock Propose(IReadOnlyList<SignedTransaction> candidates, Address proposer, ulong timestampMs, Func<byte[], VrfProof> proveBeacon)
    {
        var signatureOk = Verifier.VerifyAll(candidates);
        _lock.EnterUpgradeableReadLock();
        try
        {
            var height = (_headHeader?.Height ?? Height.Genesis).Next;
            var alpha = Consensus.Beacon.Alpha(ChainId, height, _beacon);
            var beaconProof = proveBeacon(alpha);
            var beacon = VerifyBeacon(ValidatorSet.FromState(_state, Parameters), proposer, beaconProof, alpha);
            var changes = _state.BeginChanges();
            Transition.BeginBlock(changes, height);
            var included = new List<SignedTransaction>(Math.Min(candidates.Count, Parameters.MaxBlockTransactions));
            var rejected = new List<RejectedTransaction>();
            var fees = Amount.Zero;
            long bytes = 1024;
            for (int i = 0; i < candidates.Count; i++)
            {
                var tx = candidates[i];
                if (included.Count >= Parameters.MaxBlockTransactions || bytes + tx.EncodedSize + 4 > Parameters.MaxBlockBytes)
                {
                    break;
                }
                if (!signatureOk[i])
                {
                    rejected.Add(new RejectedTransaction(tx, LedgerErrors.BadSignature, "signature does not verify"));
                    continue;
                }
                try
                {
                    CheckVerdict(changes, tx, height, beacon, LedgerErrors.VerdictMismatch);
                    fees += Transition.Apply(changes, tx, height);
                    included.Add(tx);
                    bytes += tx.EncodedSize + 4;
                }
                catch (LedgerException e)
                {
                    rejected.Add(new RejectedTransaction(tx, e.Code, e.Message));
                }
            }
            Transition.EndBlock(changes, proposer, fees, _headHash, height, beacon);
            var header = new BlockHeader(
                ChainId,
                height,
                Math.Max(timestampMs, _headHeader?.TimestampMs ?? GenesisTimeMs),
                _headHash,
                _lastCommit?.Hash ?? Hash32.Zero,
                Block.ComputeTransactionsRoot(included),
                (uint)included.Count,
                PreviewRoot(changes),
                proposer,
                beaconProof);
            var block = new Block(header, included);
            return new ProposedBlock(block, block.Encode(), changes, _headHash, rejected);
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>Commits a block this node proposed, once <paramref name="commit"/> finalizes it.</summary>
    public CommittedBlock Commit(ProposedBlock proposed, Commit commit)
    {
        CommittedBlock committed;
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (proposed.ParentHash != _headHash)
            {
                throw new LedgerException(LedgerErrors.BlockWrongParent, "the proposal was built on a block that is no longer the head");
            }
            var signers = ValidatorSet.FromState(_state, Parameters);
            signers.VerifyCommit(ChainId, proposed.Block.Header.Height, proposed.Block.Hash, commit);
            committed = CommitLocked(proposed.Block, proposed.Encoded, commit, proposed.Changes, signers);
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
        BlockCommitted?.Invoke(committed);
        return committed;
    }

    /// <summary>
    /// Verifies and commits a block made elsewhere (block sync, replay): header links, signatures of every
    /// transaction, every transaction valid, the state root it claims, and its commit. Verdicts are not re-checked
    /// against this node's own result verification: the commit says a quorum did that when it voted (see
    /// <see cref="Validate"/>). Any failure changes nothing.
    /// </summary>
    public CommittedBlock Apply(Block block, Commit commit)
    {
        CommittedBlock committed;
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (_validated is { } validated && validated.Matches(block.Hash, _headHash, _lastCommit))
            {
                validated.Signers.VerifyCommit(ChainId, block.Header.Height, block.Hash, commit);
                committed = CommitLocked(block, validated.Encoded, commit, validated.Changes, validated.Signers);
            }
            else
            {
                var (encoded, changes, signers) = Execute(block, Verifier.VerifyAll(block.Transactions), commit);
                committed = CommitLocked(block, encoded, commit, changes, signers);
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
        BlockCommitted?.Invoke(committed);
        return committed;
    }

    /// <summary>
    /// Runs <see cref="Apply"/>'s checks and execution on a throwaway overlay, without a commit (consensus asks before
    /// one exists), so a validator can vote on a proposed block without committing it; it also checks every verdict
    /// against this node's own result verification, which is what a vote vouches for.
    /// </summary>
    public BlockValidation Validate(Block block)
    {
        var signatureOk = Verifier.VerifyAll(block.Transactions);
        _lock.EnterUpgradeableReadLock();
        try
        {
            var (encoded, changes, signers) = Execute(block, signatureOk, commit: null);
            _validated = new Validated(block.Hash, _headHash, _lastCommit?.Hash, encoded, changes, signers);
            return BlockValidation.Valid;
        }
        catch (LedgerException e)
        {
            return new BlockValidation(e.Code, e.Message);
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>
    /// Replaces the head's commit with <paramref name="commit"/> on the word of the next block: <paramref name="next"/>
    /// names it (<see cref="BlockHeader.LastCommitHash"/>) and <paramref name="nextCommit"/>, checked against the current
    /// validator set, finalizes that block, so a quorum judged it the head's valid commit. Block sync uses this: unlike
    /// <see cref="AdoptLastCommit(Commit)"/> it needs no record of the head's own signers.
    /// Changes nothing unless every check passes.
    /// </summary>
    /// <exception cref="LedgerException">The commit is not for the head, <paramref name="next"/> does not follow the head or name it, or <paramref name="nextCommit"/> does not finalize <paramref name="next"/>.</exception>
    public void AdoptLastCommit(Commit commit, Block next, Commit nextCommit) => ReplaceHeadCommit(commit, () =>
    {
        Require(_headHeader is not null && commit.Height == _headHeader.Height && commit.BlockHash == _headHash, LedgerErrors.BlockBadCommit, "the commit is not for the head block");
        Require(next.Header.Height == _headHeader!.Height.Next && next.Header.PreviousHash == _headHash && next.Header.LastCommitHash == commit.Hash,
            LedgerErrors.BlockBadCommit, "the next block does not follow the head or does not name this commit");
        ValidatorSet.FromState(_state, Parameters).VerifyCommit(ChainId, next.Header.Height, next.Hash, nextCommit);
    });

    /// <summary>
    /// Replaces the head's commit with <paramref name="commit"/>, another quorum of precommits for the same block.
    /// Validators decide with whichever quorum reached them first, but the next block names one commit by hash
    /// (<see cref="BlockHeader.LastCommitHash"/>); a validator that holds a different one adopts the proposer's so it
    /// can judge and apply that block. Only the head's commit can change: a later block already fixed the earlier ones.
    /// </summary>
    /// <exception cref="LedgerException">The commit does not finalize the head, or the head is genesis.</exception>
    public void AdoptLastCommit(Commit commit) => ReplaceHeadCommit(commit, () =>
    {
        Require(_headHeader is not null && _headSigners is not null, LedgerErrors.BlockBadCommit, "the head is genesis or its validator set is not stored");
        _headSigners!.VerifyCommit(ChainId, _headHeader!.Height, _headHash, commit);
    });

    /// <summary>Stores <paramref name="commit"/> as the head's once <paramref name="check"/> (run under the lock) has vouched for it.</summary>
    private void ReplaceHeadCommit(Commit commit, Action check)
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            if (_lastCommit?.Hash == commit.Hash)
            {
                return;
            }
            check();
            _store.ReplaceCommit(_headHeader!.Height, commit);
            _lock.EnterWriteLock();
            try
            {
                _lastCommit = commit;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>
    /// Checks <paramref name="block"/> against the head and executes it into a new overlay; the one code path behind
    /// <see cref="Apply"/> and <see cref="Validate"/>. The commit is checked only when there is one. Caller holds the
    /// upgradeable read lock.
    /// </summary>
    private (byte[] Encoded, StateOverlay Changes, ValidatorSet Signers) Execute(Block block, bool[] signatureOk, Commit? commit)
    {
        var header = block.Header;
        var expectedHeight = (_headHeader?.Height ?? Height.Genesis).Next;
        Require(header.ChainId == ChainId, LedgerErrors.BlockInvalid, $"block is for chain '{header.ChainId}'");
        Require(header.Height == expectedHeight, LedgerErrors.BlockWrongHeight, $"block height {header.Height}, expected {expectedHeight}");
        Require(header.PreviousHash == _headHash, LedgerErrors.BlockWrongParent, $"block's parent {header.PreviousHash} is not the head {_headHash}");
        Require(header.LastCommitHash == (_lastCommit?.Hash ?? Hash32.Zero), LedgerErrors.BlockInvalid, "block's last-commit hash does not match");
        Require(header.TimestampMs >= (_headHeader?.TimestampMs ?? GenesisTimeMs), LedgerErrors.BlockInvalid, "block's timestamp is before its parent's");
        Require(header.TransactionCount == block.Transactions.Count, LedgerErrors.BlockInvalid, "block's transaction count does not match its header");
        Require(block.Transactions.Count <= Parameters.MaxBlockTransactions, LedgerErrors.BlockInvalid, "block has too many transactions");
        Require(Block.ComputeTransactionsRoot(block.Transactions) == header.TransactionsRoot, LedgerErrors.BlockInvalid, "block's transactions root does not match");
        var validators = ValidatorSet.FromState(_state, Parameters);
        var beacon = VerifyBeacon(validators, header.Proposer, header.BeaconProof, Consensus.Beacon.Alpha(ChainId, header.Height, _beacon));
        var encoded = block.Encode();
        Require(encoded.Length <= Parameters.MaxBlockBytes, LedgerErrors.BlockInvalid, "block exceeds the size limit");
        for (int i = 0; i < signatureOk.Length; i++)
        {
            Require(signatureOk[i], LedgerErrors.BadSignature, $"transaction {i} ({block.Transactions[i].Hash}) has a bad signature");
        }
        if (commit is not null)
        {
            validators.VerifyCommit(ChainId, header.Height, block.Hash, commit);
        }

        var changes = _state.BeginChanges();
        Transition.BeginBlock(changes, header.Height);
        var fees = Amount.Zero;
        foreach (var tx in block.Transactions)
        {
            // A verdict is judged when a block is voted on, never once a quorum has committed it: this node's check
            // reads its own copy of the blobs, and a node lacking one (or a non-voting follower) must still follow
            // the chain the validators finalized. The state transition itself never reads a blob.
            if (commit is null)
            {
                CheckVerdict(changes, tx, header.Height, beacon, LedgerErrors.BlockVerdictMismatch);
            }
            fees += Transition.Apply(changes, tx, header.Height);
        }
        Transition.EndBlock(changes, header.Proposer, fees, _headHash, header.Height, beacon);
        var root = PreviewRoot(changes);
        Require(root == header.StateRoot, LedgerErrors.BlockWrongStateRoot, $"executing the block gives state root {root}, the header claims {header.StateRoot}");
        return (encoded, changes, validators);
    }

    /// <summary>The beacon <paramref name="proof"/> yields, if the proposer is in the set and the proof is its own.</summary>
    private static Hash32 VerifyBeacon(ValidatorSet validators, Address proposer, VrfProof proof, byte[] alpha)
    {
        Require(validators.TryGet(proposer, out var member), LedgerErrors.BlockInvalid, $"proposer {proposer} is not a validator");
        return Consensus.Beacon.Verify(member!.PublicKey, proof, alpha);
    }

    /// <summary>
    /// A verdict is accepted only if this node's own check of the committed result agrees, with the challenge seed
    /// taken from the beacon of the block after the one that recorded the commitment (<paramref name="beacon"/> is
    /// the beacon of the block at <paramref name="height"/>, which may be that block).
    /// </summary>
    private void CheckVerdict(StateOverlay changes, SignedTransaction tx, Height height, Hash32 beacon, string mismatchCode)
    {
        // Only a verdict the state rules would accept is checked: anything else is refused by them with its own
        // code, and nobody can make this node verify results by sending verdicts it has no right to send.
        if (tx.Transaction.Payload is not SubmitVerdict verdict
            || changes.GetTask(verdict.TaskId) is not { State: TaskState.Committed } task
            || task.CommitHeight >= height
            || changes.GetValidator(tx.Transaction.SenderAddress) is not { Jailed: false }
            || changes.GetAccount(tx.Transaction.SenderAddress).Nonce != tx.Transaction.Nonce
            || changes.GetAccount(tx.Transaction.SenderAddress).Balance < tx.Transaction.Fee)
        {
            return;
        }
        if (_results is null)
        {
            throw new LedgerException(mismatchCode, "this node has no result verifier, so it cannot check verdicts");
        }
        var seedHeight = TaskRules.ChallengeSeedHeight(task);
        var seedBeacon = seedHeight == height
            ? beacon
            : StoredBeacon(seedHeight) ?? throw new LedgerException(mismatchCode, $"block {seedHeight} is not stored");
        var local = _results.Verify(task, TaskRules.ChallengeSeed(seedBeacon, task));
        if (local != verdict.Outcome)
        {
            throw new LedgerException(mismatchCode, $"verdict {verdict.Outcome} on task {task.Id} disagrees with this node's check ({local})");
        }
    }

    public ComputeTask? GetTask(ulong id) => Read(() => _state.GetTask(id));

    public Worker? GetWorker(Address address) => Read(() => _state.GetWorker(address));

    public IReadOnlyList<KeyValuePair<Address, Worker>> GetWorkers() => Read(() => (IReadOnlyList<KeyValuePair<Address, Worker>>)[.. _state.Workers]);

    /// <summary>Open tasks (posted, assigned, committed), oldest first.</summary>
    public IReadOnlyList<ComputeTask> GetOpenTasks() => Read(() => (IReadOnlyList<ComputeTask>)[.. _state.OpenTaskIds.Select(id => _state.Tasks[id])]);

    /// <summary>
    /// Tasks by id, newest first, starting below <paramref name="beforeId"/> (for paging), at most <paramref name="limit"/>,
    /// optionally only those in <paramref name="state"/> or assigned to <paramref name="worker"/>. Filters apply while
    /// scanning, so a page is full whenever enough matching tasks exist.
    /// </summary>
    public IReadOnlyList<ComputeTask> GetTasks(ulong beforeId, int limit, TaskState? state = null, Address? worker = null) => Read(() =>
    {
        var result = new List<ComputeTask>(Math.Min(limit, 1000));
        ulong start = Math.Min(beforeId, _state.Registry.NextTaskId);
        for (ulong id = start == 0 ? 0 : start - 1; id >= 1 && result.Count < limit; id--)
        {
            if (_state.Tasks.TryGetValue(id, out var task) && (state is null || task.State == state) && (worker is null || task.Worker == worker))
            {
                result.Add(task);
            }
        }
        return (IReadOnlyList<ComputeTask>)result;
    });

    /// <summary>How many tasks are in each state, for dashboards and metrics; counted once per head.</summary>
    public IReadOnlyDictionary<TaskState, long> CountTasksByState() => Read(() =>
    {
        if (_taskCensus is { } census && census.Head == _headHash)
        {
            return census.Counts;
        }
        var counts = Enum.GetValues<TaskState>().ToDictionary(state => state, _ => 0L);
        foreach (var task in _state.Tasks.Values)
        {
            counts[task.State]++;
        }
        _taskCensus = new TaskCensus(_headHash, counts);
        return (IReadOnlyDictionary<TaskState, long>)counts;
    });

    /// <summary>
    /// The seed of a committed task's challenges: from the beacon of the block after the commitment, so it is fixed
    /// only after the result is, and neither the worker nor one proposer can steer it. Null until that block is final.
    /// </summary>
    public Hash32? ChallengeSeedFor(ComputeTask task)
    {
        if (task.State is not (TaskState.Committed or TaskState.Verified or TaskState.Settled or TaskState.Rejected) || task.CommitHeight == Height.Genesis)
        {
            return null;
        }
        return StoredBeacon(TaskRules.ChallengeSeedHeight(task)) is { } beacon ? TaskRules.ChallengeSeed(beacon, task) : null;
    }

    /// <summary>The beacon of the stored block at <paramref name="height"/>, if there is one.</summary>
    private Hash32? StoredBeacon(Height height) =>
        _store.GetHeader(height) is { } header ? Consensus.Beacon.FromProof(header.BeaconProof) : null;

    /// <summary>A block <see cref="Validate"/> executed on top of a head and its commit, and what executing it gave.</summary>
    private sealed record Validated(Hash32 BlockHash, Hash32 ParentHash, Hash32? ParentCommitHash, byte[] Encoded, StateOverlay Changes, ValidatorSet Signers)
    {
        // The header names its parent and parent commit, but a hash match alone says nothing about what the head is now.
        public bool Matches(Hash32 blockHash, Hash32 head, Commit? headCommit) =>
            BlockHash == blockHash && ParentHash == head && ParentCommitHash == headCommit?.Hash;
    }

    /// <summary>Persists the block (readers still see the previous head meanwhile), then switches the in-memory state to it.</summary>
    private CommittedBlock CommitLocked(Block block, byte[] encoded, Commit commit, StateOverlay changes, ValidatorSet signers)
    {
        _validated = null;
        _store.WriteBlock(block, encoded, commit, changes, signers);
        _lock.EnterWriteLock();
        try
        {
            _state.Apply(changes);
            _headHeader = block.Header;
            _lastCommit = commit;
            _headSigners = signers;
            _headHash = block.Hash;
            _beacon = Consensus.Beacon.FromProof(block.Header.BeaconProof);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
        return new CommittedBlock(block, commit, encoded.Length, [.. changes.ChangedTasks.Values.OrderBy(t => t.Id)]);
    }

    /// <summary>The root with <paramref name="changes"/> applied; the tree is briefly changed and restored, so readers wait.</summary>
    private Hash32 PreviewRoot(StateOverlay changes)
    {
        _lock.EnterWriteLock();
        try
        {
            return _state.PreviewRoot(changes);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Releases the lock's wait handles; the store belongs to the caller and stays open.</summary>
    public void Dispose() => _lock.Dispose();

    private T Read<T>(Func<T> read)
    {
        _lock.EnterReadLock();
        try
        {
            return read();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private static void Require(bool condition, string code, string message)
    {
        if (!condition)
        {
            throw new LedgerException(code, message);
        }
    }
}
