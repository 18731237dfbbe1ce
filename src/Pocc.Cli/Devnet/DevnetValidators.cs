using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Pocc.Cli.Common;
using Pocc.Cli.Testnet;
using Pocc.Client;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Genesis;
using Pocc.Ledger.Primitives;
using Pocc.Node.Hosting;

namespace Pocc.Cli.Devnet;

/// <summary>What the validators said at the end of a multi-validator devnet run.</summary>
public sealed record ValidatorsReport(IReadOnlyList<ulong> Heights, ulong CommonHeight, IReadOnlyList<string> StateRoots, long TransactionsChecked, long TransactionsLost);

/// <summary>
/// The validators of a multi-validator devnet: N child processes <c>pocc node run</c>, one per home under
/// HOME/validators/node{i}, each logging to node{i}/node.log. Their API and peer ports are picked free at every start
/// (and kept across chaos restarts, since the peers dial them). The devnet process itself runs a non-voting follower
/// in HOME that dials them all.
/// </summary>
public sealed class DevnetValidators : IAsyncDisposable
{
    public const int MaxValidators = 7;

    private readonly string[] _homes;
    private readonly string[] _apiUrls;
    private readonly string[] _p2p;
    private readonly int _blockIntervalMs;
    private readonly Process?[] _processes;
    private readonly Lock _lock = new();
    private int _restarts;

    private DevnetValidators(string[] homes, int blockIntervalMs)
    {
        _homes = homes;
        _blockIntervalMs = blockIntervalMs;
        _apiUrls = [.. homes.Select(_ => $"http://127.0.0.1:{FreePort()}")];
        _p2p = [.. homes.Select(_ => $"127.0.0.1:{FreePort()}")];
        _processes = new Process?[homes.Length];
    }

    public static string Directory(string home) => Path.Combine(home, "validators");

    /// <summary>The peer endpoints of the validators, for the follower to dial.</summary>
    public IReadOnlyList<string> PeerEndpoints => _p2p;

    public int Count => _homes.Length;

    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Follower height when the last chaos restart happened (0 if none).</summary>
    public ulong HeightAtLastRestart { get; private set; }

    public int Up
    {
        get
        {
            lock (_lock)
            {
                return _processes.Count(p => p is { HasExited: false });
            }
        }
    }

    /// <summary>
    /// Writes the validator homes and the follower's home <paramref name="home"/> (a fresh key outside the validator set,
    /// the validators' genesis), funding the devnet accounts.
    /// </summary>
    public static void Create(NodeHome home, int validators, int accounts, int blockIntervalMs)
    {
        var directory = Directory(home.Path);
        var keys = DevnetAccounts.Keys(accounts);
        try
        {
            TestnetHomes.Create(directory, new TestnetSpec
            {
                Validators = validators,
                ChainId = DevnetAccounts.ChainId,
                Balance = DevnetAccounts.Balance,
                BlockIntervalMs = blockIntervalMs,
                ExtraAccounts = [.. keys.Select(k => new GenesisAccount(k.Address.ToString(), DevnetAccounts.Balance)), .. DevnetAccounts.MarketAccounts()],
                Parameters = new GenesisParameters { UnbondingPeriodBlocks = 1_000 },
            });
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
        var genesis = new NodeHome(Path.Combine(directory, "node0")).LoadGenesis();
        using var followerKey = KeyPair.Generate();
        home.Initialize(followerKey, genesis);
    }

    /// <summary>Refuses to resume a devnet home with another number of validators than it was created with.</summary>
    public static void CheckResumable(NodeHome home, int validators)
    {
        var directory = Directory(home.Path);
        int existing = System.IO.Directory.Exists(directory) ? System.IO.Directory.GetDirectories(directory, "node*").Length : 1;
        if (existing != validators)
        {
            throw new CliException($"the devnet in {home.Path} has {existing} validator(s); run it with --validators {existing}");
        }
    }

    /// <summary>Starts every validator process.</summary>
    public static DevnetValidators Start(NodeHome home, int validators, int blockIntervalMs)
    {
        var net = new DevnetValidators([.. Enumerable.Range(0, validators).Select(i => Path.Combine(Directory(home.Path), $"node{i}"))], blockIntervalMs);
        for (int i = 0; i < validators; i++)
        {
            net.StartChild(i);
        }
        return net;
    }

    private void StartChild(int index)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The same pocc that runs this devnet: its apphost, or `dotnet pocc.dll` when started through dotnet.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the running executable");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        foreach (var arg in (string[])["node", "run", "--home", _homes[index], "--api-url", _apiUrls[index], "--p2p-listen", _p2p[index],
            "--block-interval-ms", _blockIntervalMs.ToString(CultureInfo.InvariantCulture), "--consensus", "tendermint"])
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var peer in _p2p.Where((_, j) => j != index))
        {
            start.ArgumentList.Add("--peer");
            start.ArgumentList.Add(peer);
        }
        var log = new StreamWriter(Path.Combine(_homes[index], "node.log"), append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_lock)
        {
            _processes[index] = process;
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// Waits (at most a minute) until the follower at <paramref name="followerUrl"/> is connected to every validator and has
    /// followed a block past <paramref name="startHeight"/>: a transaction admitted before that would not reach the
    /// validators, and every later one of its sender would wait behind the nonce gap.
    /// </summary>
    public async Task WaitUntilFollowingAsync(string followerUrl, ulong startHeight, CancellationToken cancellationToken)
    {
        using var client = new PoccClient(followerUrl);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            try
            {
                var status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                if (status.Peers >= Count && status.Height > startHeight)
                {
                    return;
                }
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is PoccClientException or HttpRequestException or TaskCanceledException)
            {
                // Still starting, or busy: ask again.
            }
        }
        throw new CliException($"the devnet's follower did not connect to its {Count} validators within a minute; see {Path.GetDirectoryName(_homes[0])}/node*/node.log");
    }

    /// <summary>
    /// Until <paramref name="stop"/>: every interval (randomized ±50 % from <paramref name="seed"/>) SIGKILLs a random
    /// running validator and restarts it after 1–3 s, never letting more than f = ⌊(N−1)/3⌋ be down at once. On stop,
    /// restarts any validator it has down.
    /// </summary>
    public async Task ChaosAsync(double intervalSeconds, int seed, Func<ulong> followerHeight, CancellationToken stop)
    {
        int f = (Count - 1) / 3;
        var random = new Random(seed);
        var restarting = new List<Task>();
        int down = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(intervalSeconds * (0.5 + random.NextDouble())), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (Volatile.Read(ref down) >= f)
            {
                continue;
            }
            int victim = random.Next(Count);
            var downtime = TimeSpan.FromMilliseconds(1_000 + random.Next(2_001));
            Process? process;
            lock (_lock)
            {
                process = _processes[victim];
            }
            if (process is not { HasExited: false })
            {
                continue;
            }
            Interlocked.Increment(ref down);
            process.Kill();
            restarting.Add(Task.Run(async () =>
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                // The downtime ends early when the devnet stops, so it never stops with a validator down.
                try
                {
                    await Task.Delay(downtime, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                process.Dispose();
                StartChild(victim);
                Interlocked.Increment(ref _restarts);
                HeightAtLastRestart = followerHeight();
                Interlocked.Decrement(ref down);
            }, CancellationToken.None));
        }
        await Task.WhenAll(restarting).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits (bounded) until every validator has reached <paramref name="height"/>, then checks that each of
    /// <paramref name="committed"/> is found finalized on every validator, and reads the heights and the state roots at the
    /// lowest of them.
    /// </summary>
    public async Task<ValidatorsReport> CheckAsync(ulong height, IReadOnlyCollection<Hash32> committed, CancellationToken cancellationToken)
    {
        var clients = _apiUrls.Select(url => new PoccClient(url)).ToArray();
        try
        {
            var deadline = Stopwatch.StartNew();
            var heights = new ulong[Count];
            while (true)
            {
                for (int i = 0; i < Count; i++)
                {
                    try
                    {
                        heights[i] = (await clients[i].GetStatusAsync(cancellationToken).ConfigureAwait(false)).Height;
                    }
                    catch (Exception e) when (e is HttpRequestException or PoccClientException or TaskCanceledException)
                    {
                        heights[i] = 0;
                    }
                }
                if (heights.Min() >= height || deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    break;
                }
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            ulong common = heights.Min();
            var roots = new string[Count];
            for (int i = 0; i < Count; i++)
            {
                roots[i] = common == 0 ? "" : (await clients[i].GetBlockAsync(common, cancellationToken: cancellationToken).ConfigureAwait(false)).Header.StateRoot;
            }
            long lost = 0;
            var work = committed.SelectMany(hash => clients.Select(client => (hash, client)));
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (item, token) =>
            {
                // A busy node may fail a request; only a transaction that is not finalized, asked three times, counts as lost.
                bool found = false;
                for (int attempt = 0; attempt < 3 && !found; attempt++)
                {
                    try
                    {
                        found = (await item.client.GetTransactionAsync(item.hash, token).ConfigureAwait(false)).Status == "finalized";
                    }
                    catch (Exception e) when (e is PoccClientException or HttpRequestException || (e is TaskCanceledException && !token.IsCancellationRequested))
                    {
                        await Task.Delay(200, token).ConfigureAwait(false);
                    }
                }
                if (!found)
                {
                    Interlocked.Increment(ref lost);
                }
            }).ConfigureAwait(false);
            return new ValidatorsReport(heights, common, roots, committed.Count, lost);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>The transactions of the follower's blocks above <paramref name="from"/>, and how many of them were decided in a round above 0.</summary>
    public static (IReadOnlyCollection<Hash32> Transactions, int RoundsAboveZero) Committed(Blockchain chain, Height from)
    {
        var hashes = new List<Hash32>();
        int rounds = 0;
        for (ulong h = from.Value + 1; h <= chain.Height.Value; h++)
        {
            if (chain.GetBlock(new Height(h)) is { } block)
            {
                foreach (var tx in block.Transactions)
                {
                    hashes.Add(tx.Hash);
                }
            }
            if (chain.GetCommit(new Height(h)) is { Round: > 0 })
            {
                rounds++;
            }
        }
        return (hashes, rounds);
    }

    /// <summary>SIGTERM to every validator, then SIGKILL to any still running after a timeout.</summary>
    public async Task StopAsync()
    {
        Process?[] running;
        lock (_lock)
        {
            running = [.. _processes];
        }
        foreach (var process in running.OfType<Process>().Where(p => !p.HasExited))
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) ?? throw new InvalidOperationException("cannot run kill");
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        foreach (var process in running.OfType<Process>())
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Kills whatever is still running, so an exception never leaves orphan validators behind.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var process in _processes.OfType<Process>())
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }
                catch (InvalidOperationException)
                {
                }
                process.Dispose();
            }
        }
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
