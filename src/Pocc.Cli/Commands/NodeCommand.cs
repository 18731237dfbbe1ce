using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.CommandLine;
using Pocc.Cli.Common;
using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Core.Crypto;
using Pocc.Node.Hosting;
using Pocc.Storage;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc node run</c>: runs a node from its home until SIGTERM or Ctrl-C, then shuts down cleanly.</summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var home = CommonOptions.Home();
        var apiUrl = new Option<string?>("--api-url") { Description = "Where the HTTP API listens (overrides config.json and POCC_Node__ApiUrl)" };
        var interval = new Option<int?>("--block-interval-ms") { Description = "Milliseconds between blocks" };
        var logFormat = new Option<string?>("--log-format") { Description = "text or json" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var p2pListen = new Option<string?>("--p2p-listen") { Description = "Where peers connect, ip:port such as 127.0.0.1:26656 (overrides Node:P2pListen)" };
        var peers = new Option<string[]>("--peer")
        {
            Description = "A peer to keep connected to, host:port (repeatable; replaces Node:Peers from config.json)",
            AllowMultipleArgumentsPerToken = false,
        };
        var consensus = new Option<string?>("--consensus") { Description = "auto, solo or tendermint (overrides Node:Consensus)" };
        var worker = new Option<bool>("--worker") { Description = "Also run a compute-market worker with this node's key, against this node's API" };
        var faultyRate = new Option<double>("--faulty-rate") { Description = "With --worker: corrupt this fraction of results (for tests; each is caught and slashed)" };
        var run = new Command("run", "Run a node from its home directory") { home, apiUrl, interval, logFormat, p2pListen, peers, consensus, worker, faultyRate };
        run.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(apiUrl) is { } listen) overrides["Node:ApiUrl"] = listen;
            if (result.GetValue(interval) is { } ms) overrides["Node:BlockIntervalMs"] = ms.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (result.GetValue(logFormat) is { } format) overrides["Node:LogFormat"] = format;
            if (result.GetValue(p2pListen) is { } p2p) overrides["Node:P2pListen"] = p2p;
            if (result.GetValue(consensus) is { } kind) overrides["Node:Consensus"] = kind;
            var dial = result.GetValue(peers) ?? [];
            for (int i = 0; i < dial.Length; i++)
            {
                overrides[$"Node:Peers:{i}"] = dial[i];
            }
            var app = BuildNode(new NodeHome(result.GetValue(home)!), overrides);
            await using (app.ConfigureAwait(false))
            {
                await StartAsync(app, cancellationToken).ConfigureAwait(false);
                var url = app.Urls.First();
                Console.WriteLine($"api: {url}/v1/status");
                Console.WriteLine($"dashboard: {url}/");
                var workerTask = Task.CompletedTask;
                if (result.GetValue(worker))
                {
                    if (result.GetValue(faultyRate) is < 0 or > 1)
                    {
                        throw new CliException("--faulty-rate must be between 0 and 1");
                    }
                    var executor = MatmulExecutor.CreateDefault();
                    Console.WriteLine($"worker: {executor.Description}");
                    var agent = new WorkerAgent(new WorkerAgentOptions { NodeUrl = url, FaultyRate = result.GetValue(faultyRate) },
                        app.Services.GetRequiredService<KeyPair>(), executor,
                        InProcessWorkers.Register(app.Services, executor, e => Console.WriteLine(e.Message)));
                    var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
                    workerTask = Task.Run(async () =>
                    {
                        using (agent)
                        {
                            await agent.RunAsync(stopping).ConfigureAwait(false);
                        }
                    }, CancellationToken.None);
                }
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                await workerTask.ConfigureAwait(false);
            }
            return 0;
        });
        return new Command("node", "Run a PoCC node") { run };
    }

    /// <summary>Starts the node's host, turning a bad or busy listen address into a CLI error.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            var listen = app.Services.GetRequiredService<NodeOptions>().P2pListen;
            throw new CliException($"cannot listen for peers on {listen}: {e.Message} (is another node using it? see --p2p-listen)");
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            var url = app.Services.GetRequiredService<NodeOptions>().ApiUrl;
            throw new CliException($"cannot listen on {url}: {e.Message} (is another node using it? see --api-url)");
        }
    }

    /// <summary>Builds the node, turning the failures a user can fix (no home, locked or foreign database) into CLI errors.</summary>
    public static WebApplication BuildNode(NodeHome home, IReadOnlyDictionary<string, string?> overrides, bool handleSignals = true)
    {
        try
        {
            return NodeHost.Build(home, overrides, handleSignals: handleSignals);
        }
        catch (StorageException e)
        {
            throw new CliException(e.Code == StorageException.Locked
                ? $"the database in {home.DataDirectory} is in use by another node ({e.Code})"
                : $"cannot open the database in {home.DataDirectory}: {e.Message} ({e.Code})");
        }
        catch (InvalidOperationException e) when (!home.IsInitialized)
        {
            throw new CliException(e.Message);
        }
        catch (FormatException e)
        {
            throw new CliException($"invalid file in {home.Path}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new CliException($"invalid setting: {e.Message}");
        }
    }
}
