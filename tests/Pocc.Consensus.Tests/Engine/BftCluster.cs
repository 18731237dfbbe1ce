using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Pocc.Consensus.Engine;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Crypto;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;

namespace Pocc.Consensus.Tests.Engine;

/// <summary>
/// Four equal validators in one process, each with its own chain on RocksDB, its own WAL and signer state, all from
/// one genesis and joined by an <see cref="InMemoryConsensusNetwork"/> (or any networks the caller gives). Real short timeouts: the happy path needs
/// none, and the fault scenarios wait out a few hundred milliseconds.
/// </summary>
internal sealed class BftCluster : IAsyncDisposable
{
    public const int Size = 4;

    // Only a guard against a hung test; nothing waits on it when the code works.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly TendermintTimeouts Timeouts = new()
    {
        ProposeBase = TimeSpan.FromMilliseconds(400),
        ProposeDelta = TimeSpan.FromMilliseconds(100),
        PrevoteBase = TimeSpan.FromMilliseconds(150),
        PrevoteDelta = TimeSpan.FromMilliseconds(50),
        PrecommitBase = TimeSpan.FromMilliseconds(150),
        PrecommitDelta = TimeSpan.FromMilliseconds(50),
    };

    public BftCluster() : this(InMemoryConsensusNetwork.Create(Size))
    {
    }

    /// <param name="networks">One endpoint per validator, in order.</param>
    public BftCluster(IReadOnlyList<IConsensusNetwork> networks)
    {
        var genesis = GenesisBuilder.Default().WithoutValidators();
        for (int i = 0; i < Size; i++)
        {
            // Funded too, so each can pay the fee of the evidence it submits before it has earned anything.
            genesis.WithValidator($"bft-v{i}", GenesisBuilder.DefaultValidatorStake).WithAccount($"bft-v{i}", GenesisBuilder.DefaultBalance);
        }
        Nodes = Enumerable.Range(0, Size).Select(i => new Node(TestKeys.Of($"bft-v{i}"), TestChain.Create(genesis), networks[i])).ToArray();
    }

    public IReadOnlyList<Node> Nodes { get; }

    public void Start(params int[] which)
    {
        foreach (int i in which.Length == 0 ? Enumerable.Range(0, Size) : which)
        {
            Nodes[i].Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>One validator: chain, pool, network endpoint, engine, and the blocks it finalized.</summary>
    internal sealed class Node : IAsyncDisposable
    {
        private readonly TempDirectory _data = new();
        private CancellationTokenSource _stop = new();
        private readonly Channel<FinalizedBlock> _finalized = Channel.CreateUnbounded<FinalizedBlock>();
        private Task _running = Task.CompletedTask;

        public Node(KeyPair key, TestChain chain, IConsensusNetwork network)
        {
            Key = key;
            Chain = chain;
            Transport = network;
            // Room for one sender's share of a block of more than a megabyte.
            Pool = new TransactionPool(chain.Chain, new MempoolOptions { MaxPerSender = 5_000 }, TimeProvider.System);
            Engine = CreateEngine();
        }

        public KeyPair Key { get; }

        public TestChain Chain { get; }

        public IConsensusNetwork Transport { get; }

        /// <summary>The endpoint when the cluster runs on <see cref="InMemoryConsensusNetwork"/>, which the fault tests steer.</summary>
        public InMemoryConsensusNetwork Network => (InMemoryConsensusNetwork)Transport;

        public TransactionPool Pool { get; }

        public TendermintEngine Engine { get; private set; }

        public void Start() => _running = Engine.RunAsync(_stop.Token);

        /// <summary>Stops the engine and starts a new one on the same chain, WAL and signer state, as a restarted process would.</summary>
        public async Task Restart()
        {
            await _stop.CancelAsync();
            await _running.WaitAsync(Patience);
            _stop.Dispose();
            _stop = new CancellationTokenSource();
            Engine = CreateEngine();
            Start();
        }

        private TendermintEngine CreateEngine()
        {
            var engine = new TendermintEngine(Chain.Chain, Pool, new KeyPairConsensusSigner(Key), Transport,
                new TendermintEngineOptions { Timeouts = Timeouts, DataDirectory = _data.Path }, TimeProvider.System, NullLogger<TendermintEngine>.Instance);
            engine.Finalized += block => _finalized.Writer.TryWrite(block);
            return engine;
        }

        /// <summary>Waits until this node has finalized <paramref name="height"/>, returning every block it finalized on the way.</summary>
        public async Task<IReadOnlyList<FinalizedBlock>> FinalizeThrough(ulong height)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var blocks = new List<FinalizedBlock>();
            while (Chain.Chain.Height < new Height(height))
            {
                var next = _finalized.Reader.ReadAsync(timeout.Token).AsTask();
                // An engine that crashed would otherwise show up only as a timeout here.
                if (await Task.WhenAny(next, _running) == _running)
                {
                    await _running;
                    throw new InvalidOperationException("the engine stopped");
                }
                blocks.Add(await next);
            }
            return blocks;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _stop.CancelAsync();
                await _running.WaitAsync(Patience);
            }
            finally
            {
                _stop.Dispose();
                Chain.Dispose();
                _data.Dispose();
            }
        }
    }
}
