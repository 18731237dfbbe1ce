using System.Buffers.Binary;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Tasks;
using Pocc.Storage;

namespace Pocc.Ledger.Chain;

/// <summary>Where a transaction sits in the chain.</summary>
public readonly record struct TransactionLocation(Height Height, int Index);

/// <summary>
/// The chain's typed view of the key-value store: key layouts live here and nowhere else.
/// Heights are big-endian so RocksDB's byte order is height order.
/// </summary>
public sealed class ChainStore
{
    private static readonly byte[] HeadKey = "head"u8.ToArray();
    private static readonly byte[] GenesisKey = "genesis"u8.ToArray();
    private static readonly byte[] HeadSignersKey = "head-signers"u8.ToArray();
    private const byte HeaderByHeight = (byte)'h';
    private const byte HeightByHash = (byte)'H';
    private const byte BlockByHeight = (byte)'b';
    private const byte CommitByHeight = (byte)'c';
    private const byte AccountPrefix = (byte)'a';
    private const byte ValidatorPrefix = (byte)'v';
    private static readonly byte[] SupplyKey = [(byte)'s'];
    private const byte WorkerPrefix = (byte)'w';
    private const byte TaskPrefix = (byte)'t';
    private static readonly byte[] TaskRegistryKey = [(byte)'r'];

    private readonly IKeyValueStore _store;

    public ChainStore(IKeyValueStore store) => _store = store;

    public Hash32? GenesisHash => _store.Get(Column.Meta, GenesisKey) is { } bytes ? new Hash32(bytes) : null;

    public (Height Height, Hash32 Hash)? Head
    {
        get
        {
            var bytes = _store.Get(Column.Meta, HeadKey);
            return bytes is null ? null : (new Height(BinaryPrimitives.ReadUInt64BigEndian(bytes)), new Hash32(bytes.AsSpan(8)));
        }
    }

    /// <summary>The validator set that had to sign the head's commit, as <see cref="WriteBlock"/> stored it; null at genesis.</summary>
    public ValidatorSet? HeadSigners => _store.Get(Column.Meta, HeadSignersKey) is { } bytes ? ValidatorSet.Decode(bytes) : null;

    public BlockHeader? GetHeader(Height height) =>
        _store.Get(Column.Headers, HeightKey(HeaderByHeight, height)) is { } bytes ? Core.Encoding.Canonical.Decode<BlockHeader>(bytes, BlockHeader.MaxEncodedSize) : null;

    public Height? GetHeight(Hash32 blockHash) =>
        _store.Get(Column.Headers, HashKey(HeightByHash, blockHash)) is { } bytes ? new Height(BinaryPrimitives.ReadUInt64BigEndian(bytes)) : null;

    public Block? GetBlock(Height height) =>
        _store.Get(Column.Blocks, HeightKey(BlockByHeight, height)) is { } bytes ? Block.Decode(bytes) : null;

    public Commit? GetCommit(Height height) =>
        _store.Get(Column.Blocks, HeightKey(CommitByHeight, height)) is { } bytes ? Core.Encoding.Canonical.Decode<Commit>(bytes, Commit.MaxEncodedSize) : null;

    public TransactionLocation? FindTransaction(Hash32 txHash)
    {
        Span<byte> key = stackalloc byte[Hash32.Size];
        txHash.CopyTo(key);
        var bytes = _store.Get(Column.TxIndex, key);
        return bytes is null ? null : new TransactionLocation(new Height(BinaryPrimitives.ReadUInt64BigEndian(bytes)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)));
    }

    /// <summary>Writes the genesis state and marks height 0 as the head, in one batch.</summary>
    public void WriteGenesis(Hash32 genesisHash, LedgerState state)
    {
        using var batch = _store.CreateBatch();
        batch.Put(Column.Meta, GenesisKey, genesisHash.ToArray());
        foreach (var (address, account) in state.Accounts)
        {
            batch.Put(Column.State, AddressKey(AccountPrefix, address), account.Encode());
        }
        foreach (var (address, validator) in state.Validators)
        {
            batch.Put(Column.State, AddressKey(ValidatorPrefix, address), validator.Encode());
        }
        batch.Put(Column.State, SupplyKey, state.Supply.Encode());
        batch.Put(Column.State, TaskRegistryKey, state.Registry.Encode());
        batch.Put(Column.Meta, HeadKey, HeadValue(Height.Genesis, genesisHash));
        _store.Commit(batch);
    }

    /// <summary>Overwrites the stored commit of <paramref name="height"/> (synced), for <see cref="Blockchain.AdoptLastCommit"/>.</summary>
    public void ReplaceCommit(Height height, Commit commit)
    {
        using var batch = _store.CreateBatch();
        batch.Put(Column.Blocks, HeightKey(CommitByHeight, height), Core.Encoding.Canonical.Encode(commit));
        _store.Commit(batch);
    }

    /// <summary>
    /// Everything a block changes, in one atomic, synced batch: the block, its header and commit, the
    /// transaction index, the changed state, the new head and the set that signed it. A crash leaves either all of it or none.
    /// </summary>
    public void WriteBlock(Block block, byte[] encodedBlock, Commit commit, StateOverlay changes, ValidatorSet signers)
    {
        var height = block.Header.Height;
        using var batch = _store.CreateBatch();
        batch.Put(Column.Headers, HeightKey(HeaderByHeight, height), Core.Encoding.Canonical.Encode(block.Header));
        Span<byte> heightBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(heightBytes, height.Value);
        batch.Put(Column.Headers, HashKey(HeightByHash, block.Hash), heightBytes);
        batch.Put(Column.Blocks, HeightKey(BlockByHeight, height), encodedBlock);
        batch.Put(Column.Blocks, HeightKey(CommitByHeight, height), Core.Encoding.Canonical.Encode(commit));
        Span<byte> location = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(location, height.Value);
        Span<byte> txKey = stackalloc byte[Hash32.Size];
        for (int i = 0; i < block.Transactions.Count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(location[8..], i);
            block.Transactions[i].Hash.CopyTo(txKey);
            batch.Put(Column.TxIndex, txKey, location);
        }
        foreach (var (address, account) in changes.ChangedAccounts)
        {
            batch.Put(Column.State, AddressKey(AccountPrefix, address), account.Encode());
        }
        foreach (var (address, validator) in changes.ChangedValidators)
        {
            batch.Put(Column.State, AddressKey(ValidatorPrefix, address), validator.Encode());
        }
        foreach (var (address, worker) in changes.ChangedWorkers)
        {
            batch.Put(Column.State, AddressKey(WorkerPrefix, address), worker.Encode());
        }
        foreach (var (id, task) in changes.ChangedTasks)
        {
            batch.Put(Column.State, TaskKey(id), task.Encode());
        }
        batch.Put(Column.State, SupplyKey, changes.Supply.Encode());
        batch.Put(Column.State, TaskRegistryKey, changes.Registry.Encode());
        batch.Put(Column.Meta, HeadKey, HeadValue(height, block.Hash));
        batch.Put(Column.Meta, HeadSignersKey, signers.Encode());
        _store.Commit(batch);
    }

    /// <summary>The latest state as stored, read back to rebuild the in-memory state and its tree after a restart.</summary>
    public LedgerState LoadState()
    {
        var accounts = new List<KeyValuePair<Address, Account>>();
        foreach (var (key, value) in _store.Iterate(Column.State, [AccountPrefix]))
        {
            accounts.Add(new(new Address(key.AsSpan(1)), Account.Decode(value)));
        }
        var validators = new List<KeyValuePair<Address, Validator>>();
        foreach (var (key, value) in _store.Iterate(Column.State, [ValidatorPrefix]))
        {
            validators.Add(new(new Address(key.AsSpan(1)), Validator.Decode(value)));
        }
        var workers = new List<KeyValuePair<Address, Worker>>();
        foreach (var (key, value) in _store.Iterate(Column.State, [WorkerPrefix]))
        {
            workers.Add(new(new Address(key.AsSpan(1)), Worker.Decode(value)));
        }
        var tasks = new List<ComputeTask>();
        foreach (var (_, value) in _store.Iterate(Column.State, [TaskPrefix]))
        {
            tasks.Add(ComputeTask.Decode(value));
        }
        var supply = _store.Get(Column.State, SupplyKey) ?? throw new StorageException(StorageException.Corrupt, "the stored state has no supply record");
        var registry = _store.Get(Column.State, TaskRegistryKey) ?? throw new StorageException(StorageException.Corrupt, "the stored state has no task registry");
        return LedgerState.Create(accounts, validators, SupplyLedger.Decode(supply), workers, tasks, TaskRegistry.Decode(registry));
    }

    private static byte[] HeadValue(Height height, Hash32 hash)
    {
        var value = new byte[8 + Hash32.Size];
        BinaryPrimitives.WriteUInt64BigEndian(value, height.Value);
        hash.CopyTo(value.AsSpan(8));
        return value;
    }

    private static byte[] HeightKey(byte prefix, Height height)
    {
        var key = new byte[9];
        key[0] = prefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height.Value);
        return key;
    }

    private static byte[] HashKey(byte prefix, Hash32 hash)
    {
        var key = new byte[1 + Hash32.Size];
        key[0] = prefix;
        hash.CopyTo(key.AsSpan(1));
        return key;
    }

    private static byte[] TaskKey(ulong id)
    {
        var key = new byte[9];
        key[0] = TaskPrefix;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), id);
        return key;
    }

    private static byte[] AddressKey(byte prefix, Address address)
    {
        var key = new byte[1 + Address.Size];
        key[0] = prefix;
        address.CopyTo(key.AsSpan(1));
        return key;
    }
}
