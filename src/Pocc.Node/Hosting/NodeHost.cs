using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pocc.Consensus.Engine;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Engine.Bft.Network;
using Pocc.Consensus.Tendermint;
using Pocc.Network;
using Pocc.Network.Framing;
using Pocc.Network.Peers;
using Pocc.Node.P2p;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Node.Api;
using Pocc.Node.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Pocc.Node.Telemetry;
using Pocc.Node.Verification;
using Pocc.Compute.Matmul;
using Pocc.Ledger.Tasks;
using Pocc.Storage;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Hosting;

/// <summary>
/// Builds a node process: configuration (home config.json, then POCC_ environment variables, then flags),
/// the chain on RocksDB, mempool, consensus engine, HTTP API on Kestrel, logging and graceful shutdown.
/// The database is opened here, so a locked or corrupt database fails the build, before anything listens.
/// </summary>
public static class NodeHost
{
    public const string EnvironmentPrefix = "POCC_";

    /// <param name="handleSignals">
    /// True for a standalone node (SIGTERM and Ctrl-C stop it); false when an embedding program such as the devnet
    /// owns the signals and stops the node itself.
    /// </param>
    public static WebApplication Build(NodeHome home, IReadOnlyDictionary<string, string?>? overrides = null, TimeProvider? time = null, bool handleSignals = true)
    {
        if (!home.IsInitialized)
        {
            throw new InvalidOperationException($"{home.Path} is not an initialized node home (run 'pocc init' first)");
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = home.Path, EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(home.ConfigFile, optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
        var options = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
        // Configuration merges arrays by index; peers given as overrides (flags) replace the configured list instead.
        var peerOverrides = (overrides ?? new Dictionary<string, string?>()).Where(o => o.Key.StartsWith($"{NodeOptions.Section}:Peers:", StringComparison.Ordinal)).ToList();
        if (peerOverrides.Count > 0)
        {
            options = options with { Peers = [.. peerOverrides.OrderBy(o => int.Parse(o.Key.AsSpan(o.Key.LastIndexOf(':') + 1), System.Globalization.CultureInfo.InvariantCulture)).Select(o => o.Value ?? "")] };
        }
        options.Validate();
        ConfigureLogging(builder.Logging, builder.Configuration, options);

        builder.WebHost.UseUrls(options.ApiUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status404NotFound => ApiProblems.NotFound,
                    StatusCodes.Status405MethodNotAllowed => "http.method_not_allowed",
                    StatusCodes.Status413PayloadTooLarge => ApiProblems.TooLarge,
                    StatusCodes.Status400BadRequest => ApiProblems.MalformedBody,
                    StatusCodes.Status415UnsupportedMediaType => ApiProblems.UnsupportedMediaType,
                    _ => ApiProblems.Internal,
                };
            }
        });
        builder.Services.AddOpenApi("v1");
        if (!handleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        }

        var timeProvider = time ?? TimeProvider.System;
        var genesis = home.LoadGenesis();
        var validatorKey = home.LoadValidatorKey();
        var blobOptions = builder.Configuration.GetSection(BlobStoreOptions.Section).Get<BlobStoreOptions>() ?? new BlobStoreOptions();
        var blobs = new BlobStore(home.BlobsDirectory, blobOptions);
        var resultVerifier = new BlobResultVerifier(blobs);
        var store = RocksDbStore.Open(home.DataDirectory);
        Blockchain chain;
        try
        {
            chain = Blockchain.Open(store, genesis, results: resultVerifier);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(blobOptions);
        builder.Services.AddSingleton(blobs);
        builder.Services.AddSingleton(resultVerifier);
        builder.Services.AddSingleton<IResultVerifier>(resultVerifier);
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddSingleton<IKeyValueStore>(_ => store);
        builder.Services.AddSingleton(_ => validatorKey);
        builder.Services.AddSingleton(chain);
        builder.Services.AddSingleton(new MempoolOptions
        {
            MaxTransactions = options.MempoolMaxTransactions,
            MaxBytes = options.MempoolMaxBytes,
            MaxPerSender = options.MempoolMaxPerSender,
        });
        builder.Services.AddSingleton<TransactionPool>();
        if (options.UsesTendermint(chain.GetValidatorSet().Count))
        {
            AddTendermint(builder.Services, home, options, chain.ChainId.Value, validatorKey);
        }
        else
        {
            builder.Services.AddSingleton(new NodePeers(null));
            builder.Services.AddSingleton(new SoloBlockProducerOptions { BlockInterval = TimeSpan.FromMilliseconds(options.BlockIntervalMs) });
            builder.Services.AddSingleton<IConsensusEngine>(sp => options.Validator
                ? ActivatorUtilities.CreateInstance<SoloBlockProducer>(sp)
                : new PassiveEngine(chain));
        }
        builder.Services.AddSingleton<NodeStatistics>();
        builder.Services.AddSingleton(home);
        builder.Services.AddSingleton<ChainHistory>();
        builder.Services.AddSingleton<ValidatorActivity>();
        builder.Services.AddSingleton<MarketStatistics>();
        builder.Services.AddSingleton<NodeRunInfo>();
        var meterName = new MeterNameLease();
        builder.Services.AddSingleton(meterName);
        builder.Services.AddSingleton<NodeMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .ConfigureResource(resource => resource.AddService("pocc-node", serviceVersion: typeof(NodeHost).Assembly.GetName().Version?.ToString()))
            .AddMeter(meterName.Name)
            // Every scrape reads current values; collecting them costs well under a millisecond, so no cached answers.
            .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.AddSingleton<BlockEventHub>();
        builder.Services.AddHostedService<ConsensusService>();
        builder.Services.AddHostedService<VerificationService>();

        var app = builder.Build();
        // Resolve the store now so the container owns (and on shutdown disposes) it even if nothing else asks for it.
        _ = app.Services.GetRequiredService<IKeyValueStore>();
        resultVerifier.UseLogger(app.Services.GetRequiredService<ILogger<BlobResultVerifier>>());
        // Kestrel reports an over-limit body as BadHttpRequestException (413 and friends); keep its status, not 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseDashboard();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNodeApi();
        app.MapBlobApi();
        app.MapTaskApi();
        app.MapExplorerApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>
    /// BFT consensus over the TCP peer transport: one <see cref="PeerManager"/> (identified by the validator key) whose
    /// messages a <see cref="MessageDispatcher"/> splits between consensus, transaction gossip and blob exchange. The engine's WAL and
    /// double-sign guard live under data/consensus. A node that must not sign (Validator false) gets a throwaway key
    /// outside the set, so its engine only follows.
    /// </summary>
    private static void AddTendermint(IServiceCollection services, NodeHome home, NodeOptions options, string chainId, KeyPair validatorKey)
    {
        if (options.BlockIntervalMs >= options.ProposeTimeoutMs)
        {
            throw new ArgumentException($"Node:BlockIntervalMs ({options.BlockIntervalMs}) must be below Node:ProposeTimeoutMs ({options.ProposeTimeoutMs}), or every proposal comes too late");
        }
        var network = new NetworkOptions
        {
            ChainId = chainId,
            ListenEndPoint = options.P2pListenEndPoint,
            PersistentPeers = [.. options.PeerEndPoints.Select(endPoint => new PersistentPeer(endPoint))],
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(200),
            ReconnectMaxDelay = TimeSpan.FromSeconds(5),
            FrameLimits = new FrameLimits(FrameLimits.DefaultGlobalMax, new Dictionary<byte, int>
            {
                [TransactionBatchCodec.MessageType] = TransactionBatchCodec.MaxPayload,
                [BlobMessageCodec.RequestType] = BlobMessageCodec.MaxRequestPayload,
                [BlobMessageCodec.ResponseType] = BlobMessageCodec.MaxResponsePayload,
            }),
        }.WithConsensusLimits();
        services.AddSingleton(sp => new PeerManager(validatorKey, network, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PeerManager>>()));
        services.AddSingleton(sp => new NodePeers(sp.GetRequiredService<PeerManager>()));
        services.AddSingleton(sp => new MessageDispatcher(sp.GetRequiredService<PeerManager>(), sp.GetRequiredService<ILogger<MessageDispatcher>>()));
        services.AddSingleton(sp => new PeerConsensusNetwork(
            sp.GetRequiredService<MessageDispatcher>().Register(ConsensusMessageTypes.All), sp.GetRequiredService<ILogger<PeerConsensusNetwork>>()));
        services.AddSingleton(sp => new TransactionGossip(sp.GetRequiredService<TransactionPool>(),
            sp.GetRequiredService<MessageDispatcher>().Register([TransactionBatchCodec.MessageType], lossy: true), sp.GetRequiredService<ILogger<TransactionGossip>>()));
        services.AddSingleton(sp => new BlobExchange(sp.GetRequiredService<BlobStore>(),
            sp.GetRequiredService<MessageDispatcher>().Register([BlobMessageCodec.RequestType, BlobMessageCodec.ResponseType], capacity: 256, lossy: true),
            () => sp.GetRequiredService<PeerManager>().ConnectedPeers, sp.GetRequiredService<ILogger<BlobExchange>>()));
        var engineOptions = new TendermintEngineOptions
        {
            DataDirectory = Path.Combine(home.DataDirectory, "consensus"),
            MinBlockInterval = TimeSpan.FromMilliseconds(options.BlockIntervalMs),
            Timeouts = new TendermintTimeouts
            {
                ProposeBase = TimeSpan.FromMilliseconds(options.ProposeTimeoutMs),
                ProposeDelta = TimeSpan.FromMilliseconds(options.TimeoutDeltaMs),
                PrevoteBase = TimeSpan.FromMilliseconds(options.VoteTimeoutMs),
                PrevoteDelta = TimeSpan.FromMilliseconds(options.TimeoutDeltaMs),
                PrecommitBase = TimeSpan.FromMilliseconds(options.VoteTimeoutMs),
                PrecommitDelta = TimeSpan.FromMilliseconds(options.TimeoutDeltaMs),
            },
        };
        Directory.CreateDirectory(engineOptions.DataDirectory);
        services.AddSingleton(sp =>
        {
            // Every consumer registers with the dispatcher before the peer service starts it.
            _ = sp.GetRequiredService<TransactionGossip>();
            _ = sp.GetRequiredService<BlobExchange>();
            return new TendermintEngine(sp.GetRequiredService<Blockchain>(), sp.GetRequiredService<TransactionPool>(),
                new KeyPairConsensusSigner(options.Validator ? validatorKey : KeyPair.Generate()), sp.GetRequiredService<PeerConsensusNetwork>(),
                engineOptions, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TendermintEngine>>());
        });
        services.AddSingleton<IConsensusEngine>(sp => sp.GetRequiredService<TendermintEngine>());
        // Registered before the consensus service, so the engine (and both dispatcher routes) exist when the transport starts.
        services.AddHostedService(sp =>
        {
            var engine = sp.GetRequiredService<TendermintEngine>();
            return new PeerService(sp.GetRequiredService<PeerManager>(), sp.GetRequiredService<MessageDispatcher>(), engine.Resend);
        });
        services.AddHostedService(sp => sp.GetRequiredService<TransactionGossip>());
        services.AddHostedService(sp => sp.GetRequiredService<BlobExchange>());
    }

    public static void ConfigureJson(JsonOptions options)
    {
        options.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
        options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, NodeOptions options)
    {
        logging.ClearProviders();
        logging.AddConfiguration(configuration.GetSection("Logging"));
        if (string.Equals(options.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        // Start-up failures (a busy port) are rethrown and reported once, cleanly, by the caller; no stack trace in the log.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }

    /// <summary>A lifetime that leaves signals to the embedding program.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The engine of a node that does not sign blocks: it only reports. (Block sync arrives with the network layer.)</summary>
    private sealed class PassiveEngine : IConsensusEngine
    {
        private readonly Blockchain _chain;

        public PassiveEngine(Blockchain chain) => _chain = chain;

        public ConsensusStatus Status => new("none", _chain.Height, _chain.GetValidatorSet().Count, null, false, TimeSpan.Zero);

        public event Action<FinalizedBlock>? Finalized { add { } remove { } }

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
