using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>Several <c>pocc node run</c> processes on loopback forming one BFT chain, from <c>pocc testnet init</c> homes.</summary>
public sealed class MultiValidatorTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Four_validators_finalize_one_chain_gossip_a_transfer_survive_a_kill_and_the_restarted_one_catches_up()
    {
        var (apiBase, p2pBase) = TwoPortRanges(4);
        var net = _dir.Combine("net");
        var init = await PoccProcess.RunAsync("testnet", "init", "--validators", "4", "--output", net, "--fund", "1",
            "--base-api-port", apiBase.ToString(), "--base-p2p-port", p2pBase.ToString());
        CliAssert.Succeeded(init);
        var nodes = new NodeProcess?[4];
        try
        {
            for (int i = 0; i < 4; i++)
            {
                nodes[i] = await NodeProcess.StartAsync(Path.Combine(net, $"node{i}"), $"http://127.0.0.1:{apiBase + i}");
            }
            foreach (var node in nodes)
            {
                await node!.WaitForHeightAsync(5, Patience);
                Assert.Equal("tendermint", (await node.StatusAsync())["engine"]!.GetValue<string>());
            }

            // A transfer submitted to node 0 reaches the proposers through gossip and is visible on node 3.
            using var recipient = Core.Crypto.KeyPair.Generate();
            var transfer = await PoccProcess.RunAsync("tx", "transfer", "--key", Path.Combine(net, "accounts", "account0.json"),
                "--to", recipient.Address.ToString(), "--amount", "5", "--wait", "--node", nodes[0]!.Url);
            CliAssert.Succeeded(transfer);
            await WaitUntil(async () => (await nodes[3]!.AccountAsync(recipient.Address.ToString()))["balance"]!.GetValue<string>() == "5", "node 3 sees the transfer");

            await AssertSameBlockAt(nodes[0..4]!, await CommonHeight(nodes[0..4]!));

            // Three of four keep finalizing without the fourth.
            await nodes[3]!.KillAsync();
            ulong before = await CommonHeight(nodes[0..3]!);
            foreach (var node in nodes[0..3])
            {
                await node!.WaitForHeightAsync(before + 3, Patience);
            }

            // Restarted, it catches up to the others and agrees on their blocks.
            await nodes[3]!.DisposeAsync();
            nodes[3] = await NodeProcess.StartAsync(Path.Combine(net, "node3"), $"http://127.0.0.1:{apiBase + 3}");
            ulong target = await CommonHeight(nodes[0..3]!) + 2;
            await nodes[3]!.WaitForHeightAsync(target, Patience);
            await AssertSameBlockAt(nodes!, target);
            Assert.Equal(3, (await nodes[3]!.StatusAsync())["peers"]!.GetValue<int>());

            // A node whose key is not in the set follows from genesis through block sync, without voting.
            var followerHome = _dir.Combine("follower");
            CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", followerHome));
            File.Copy(Path.Combine(net, "node0", "genesis.json"), Path.Combine(followerHome, "genesis.json"), overwrite: true);
            await using var follower = await NodeProcess.StartAsync(followerHome, null, "--peer", $"127.0.0.1:{p2pBase}");
            ulong followed = await CommonHeight(nodes!) + 1;
            await follower.WaitForHeightAsync(followed, Patience);
            await AssertSameBlockAt([.. nodes!, follower], followed);
            Assert.False((await follower.StatusAsync())["producing"]!.GetValue<bool>());
        }
        finally
        {
            foreach (var node in nodes)
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Task_posted_through_a_follower_is_settled_by_four_validators_that_fetch_its_blobs_from_peers()
    {
        var (apiBase, p2pBase) = TwoPortRanges(4);
        var net = _dir.Combine("net");
        CliAssert.Succeeded(await PoccProcess.RunAsync("testnet", "init", "--validators", "4", "--output", net, "--fund", "2",
            "--base-api-port", apiBase.ToString(), "--base-p2p-port", p2pBase.ToString()));
        var nodes = new NodeProcess?[4];
        BackgroundPocc? worker = null;
        try
        {
            for (int i = 0; i < 4; i++)
            {
                nodes[i] = await NodeProcess.StartAsync(Path.Combine(net, $"node{i}"), $"http://127.0.0.1:{apiBase + i}");
            }
            // The requester and the worker use a node outside the validator set, as the devnet does: the task's inputs and
            // its result are stored only there, so every validator must fetch them over the peer transport to check them.
            var followerHome = _dir.Combine("follower");
            CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", followerHome));
            File.Copy(Path.Combine(net, "node0", "genesis.json"), Path.Combine(followerHome, "genesis.json"), overwrite: true);
            await using var follower = await NodeProcess.StartAsync(followerHome, null,
                [.. Enumerable.Range(0, 4).SelectMany(i => new[] { "--peer", $"127.0.0.1:{p2pBase + i}" })]);
            await follower.WaitForHeightAsync(2, Patience);
            worker = BackgroundPocc.Start("worker", "run", "--node", follower.Url, "--key", Path.Combine(net, "accounts", "account1.json"), "--stake", "10000000");

            var submit = await PoccProcess.RunAsync(["task", "submit", "matmul", "--n", "96", "--dtype", "mod61", "--fee", "5000", "--seed", "multi-validator",
                "--key", Path.Combine(net, "accounts", "account0.json"), "--wait", "--timeout", "60", "--node", follower.Url], TimeSpan.FromSeconds(90));

            CliAssert.Succeeded(submit);
            string id = Tasks.TaskMarketFixture.PostedTaskId(submit);
            Assert.Contains($"task {id}: settled at height", submit.Stdout, StringComparison.Ordinal);
            Assert.Contains("outcome verified", submit.Stdout, StringComparison.Ordinal);
            var task = await follower.GetAsync($"/v1/tasks/{id}");
            var blobs = new[] { task["input_a"]!, task["input_b"]!, task["result"]! }.Select(b => b["root"]!.GetValue<string>()).ToArray();
            // Whichever validator gave the verdict, all of them took the blobs from a peer and hold them now.
            foreach (var node in nodes)
            {
                foreach (var root in blobs)
                {
                    await WaitUntil(async () => (await node!.TryGetAsync($"/v1/blobs/{root}/info")).Status == System.Net.HttpStatusCode.OK,
                        $"{node!.Url} holds blob {root}");
                }
            }
            // The follower followed the settlement, and every node agrees on the chain.
            ulong common = await CommonHeight([.. nodes!, follower]);
            await AssertSameBlockAt([.. nodes!, follower], common);
            Assert.Equal("settled", (await nodes[3]!.GetAsync($"/v1/tasks/{id}"))["state"]!.GetValue<string>());
        }
        finally
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }
            foreach (var node in nodes)
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task Garbage_and_an_oversized_frame_on_the_p2p_port_are_disconnected_and_the_chain_keeps_finalizing()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));
        int p2p = FreePort.Next();
        await using var node = await NodeProcess.StartAsync(home, null, "--consensus", "tendermint", "--p2p-listen", $"127.0.0.1:{p2p}");
        ulong start = await node.WaitForHeightAsync(2, Patience);

        // Not a handshake: the node closes the connection instead of waiting for more.
        await AssertClosedAfter(p2p, [.. Enumerable.Repeat((byte)0xAB, 64)]);
        // A frame header announcing 1 GiB: refused from the header alone.
        await AssertClosedAfter(p2p, [0x00, 0x00, 0x00, 0x40, 0x00, 0, 0, 0, 0, 0, 0, 0]);

        await node.WaitForHeightAsync(start + 3, Patience);
        Assert.False(node.HasExited);
    }

    [Theory]
    [InlineData("--p2p-listen", "not-an-endpoint", "Node:P2pListen")]
    [InlineData("--p2p-listen", "127.0.0.1:70000", "Node:P2pListen")]
    [InlineData("--peer", "127.0.0.1", "Node:Peers")]
    [InlineData("--peer", "host:0", "Node:Peers")]
    [InlineData("--consensus", "raft", "Node:Consensus")]
    public async Task Bad_p2p_settings_are_refused_with_a_message_before_anything_is_written(string flag, string value, string named)
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));

        var result = await PoccProcess.RunAsync("node", "run", "--home", home, "--api-url", FreePort.NextUrl(), flag, value);

        CliAssert.FailedCleanly(result);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, "data")), "the database was created");
    }

    [Fact]
    public async Task Testnet_init_refuses_bad_counts_and_overlapping_ports_writing_nothing()
    {
        foreach (var args in new[]
        {
            new[] { "--validators", "0" },
            new[] { "--validators", "4", "--base-api-port", "30000", "--base-p2p-port", "30002" },
        })
        {
            var output = _dir.Combine($"net-{args.Length}");
            var result = await PoccProcess.RunAsync(["testnet", "init", "--output", output, .. args]);
            CliAssert.FailedCleanly(result);
            Assert.False(Directory.Exists(output), $"{output} was written");
        }
    }

    [Fact]
    public async Task Testnet_init_writes_homes_sharing_one_genesis_with_private_keys_and_every_other_node_as_peer()
    {
        var net = _dir.Combine("net");
        CliAssert.Succeeded(await PoccProcess.RunAsync("testnet", "init", "--validators", "3", "--output", net, "--fund", "2",
            "--base-api-port", "41000", "--base-p2p-port", "41100", "--stake", "7000"));

        var genesis = File.ReadAllText(Path.Combine(net, "node0", "genesis.json"));
        var validators = JsonNode.Parse(genesis)!["validators"]!.AsArray();
        Assert.Equal(3, validators.Count);
        Assert.All(validators, v => Assert.Equal(7000UL, v!["bonded"]!.GetValue<ulong>()));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(genesis, File.ReadAllText(Path.Combine(net, $"node{i}", "genesis.json")));
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(net, $"node{i}", "config.json")))!["Node"]!;
            Assert.Equal($"http://127.0.0.1:{41000 + i}", config["ApiUrl"]!.GetValue<string>());
            Assert.Equal($"127.0.0.1:{41100 + i}", config["P2pListen"]!.GetValue<string>());
            Assert.Equal(Enumerable.Range(0, 3).Where(j => j != i).Select(j => $"127.0.0.1:{41100 + j}"),
                config["Peers"]!.AsArray().Select(p => p!.GetValue<string>()));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(net, $"node{i}", "keys", "validator.json")));
            }
        }
        Assert.Equal(2, Directory.GetFiles(Path.Combine(net, "accounts")).Length);
    }

    private static async Task AssertClosedAfter(int port, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes);
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // The node's Hello may come first; what matters is that the stream then ends.
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the node: closed as well.
        }
    }

    private static async Task<ulong> CommonHeight(IEnumerable<NodeProcess> nodes)
    {
        ulong lowest = ulong.MaxValue;
        foreach (var node in nodes)
        {
            lowest = Math.Min(lowest, await node.HeightAsync());
        }
        return lowest;
    }

    private static async Task AssertSameBlockAt(IEnumerable<NodeProcess> nodes, ulong height)
    {
        var blocks = new List<(string Hash, string StateRoot)>();
        foreach (var node in nodes)
        {
            var block = await node.GetAsync($"/v1/blocks/{height}");
            blocks.Add((block["hash"]!.GetValue<string>(), block["header"]!["state_root"]!.GetValue<string>()));
        }
        Assert.Single(blocks.Distinct());
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Patience)
            {
                throw new TimeoutException($"timed out waiting until {what}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Two bases of <paramref name="count"/> consecutive loopback ports that are free now and do not overlap.</summary>
    private static (int Api, int P2p) TwoPortRanges(int count)
    {
        while (true)
        {
            int api = FreePort.Next();
            int p2p = FreePort.Next();
            if (api + count < 65_000 && p2p + count < 65_000 && Math.Abs(api - p2p) >= count)
            {
                return (api, p2p);
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
