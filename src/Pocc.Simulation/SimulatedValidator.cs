using Microsoft.Extensions.Logging;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Mempool;

namespace Pocc.Simulation;

/// <summary>
/// One validator of a simulation: a <see cref="ValidatorCore"/> over a real <see cref="Blockchain"/>, pool, WAL and
/// double-sign guard. Its disk (the key-value store and its data directory) outlives a simulated crash; everything
/// else is rebuilt from it on restart, as a restarted process would.
/// </summary>
internal sealed class SimulatedValidator(int index, KeyPair key, bool byzantine, string dataDirectory) : IDisposable
{
    private readonly InMemoryKeyValueStore _disk = new();
    private ConsensusWal? _wal;

    public int Index { get; } = index;

    public KeyPair Key { get; } = key;

    public bool IsByzantine { get; } = byzantine;

    public bool IsUp => Core is not null;

    public Blockchain Chain { get; private set; } = null!;

    public TransactionPool? Pool { get; private set; }

    public ValidatorCore? Core { get; private set; }

    /// <summary>Bumped by a crash and by the core cancelling its timers: a timer event of an older epoch is void.</summary>
    public int TimerEpoch { get; set; }

    /// <summary>The validator whose message is being handled, so a reply goes back to it.</summary>
    public int CurrentSender { get; set; }

    /// <summary>Opens the chain on this validator's disk and starts (or resumes, from the WAL) consensus.</summary>
    public void Boot(GenesisDocument genesis, TimeProvider clock, IConsensusSink sink, IConsensusTimers timers, TendermintEngineOptions options,
        ILogger logger, Action<ValidatorCore> subscribe)
    {
        Chain = Blockchain.Open(_disk, genesis);
        Pool = new TransactionPool(Chain, new MempoolOptions(), clock);
        _wal = ConsensusWal.Open(Path.Combine(dataDirectory, "consensus.wal"));
        var signer = new GuardedSigner(new KeyPairConsensusSigner(Key), Path.Combine(dataDirectory, "signer-state"));
        Core = new ValidatorCore(Chain, Pool, signer, sink, timers, options, _wal, clock, logger);
        subscribe(Core);
        Core.Start();
    }

    /// <summary>Loses everything in memory (pool, machine, pending timers); the disk stays.</summary>
    public void Crash()
    {
        Core = null;
        Pool = null;
        _wal?.Dispose();
        _wal = null;
        TimerEpoch++;
    }

    public void Dispose()
    {
        Crash();
        _disk.Dispose();
    }
}
