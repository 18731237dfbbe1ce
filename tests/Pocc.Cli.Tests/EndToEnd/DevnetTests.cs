using System.Text.Json.Nodes;

namespace Pocc.Cli.Tests.EndToEnd;

/// <summary><c>pocc devnet</c>: a timed run writes a full summary and the user's funded key, and a second run on the same home resumes it.</summary>
public sealed class DevnetTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Timed_devnet_writes_a_summary_and_a_second_run_resumes_from_its_height()
    {
        var home = _dir.Combine("devnet");
        var firstSummary = _dir.Combine("first.json");
        var secondSummary = _dir.Combine("second.json");

        var first = await PoccProcess.RunAsync(
            ["devnet", "--duration", "8", "--home", home, "--summary", firstSummary, "--api-url", FreePort.NextUrl(), "--accounts", "200"], RunTimeout);

        CliAssert.Succeeded(first);
        var s1 = JsonNode.Parse(await File.ReadAllTextAsync(firstSummary))!.AsObject();
        Assert.True(s1["validators"]!.GetValue<int>() >= 1, s1.ToJsonString());
        Assert.True(s1["height"]!.GetValue<ulong>() > 0, s1.ToJsonString());
        Assert.True(s1["blocks"]!.GetValue<long>() > 0, s1.ToJsonString());
        Assert.True(s1["transactions"]!.GetValue<long>() > 0, s1.ToJsonString());
        Assert.True(s1["tx_per_second"]!.GetValue<double>() > 0, s1.ToJsonString());
        Assert.True(s1["finality_ms_p50"]!.GetValue<long>() >= 0, s1.ToJsonString());
        Assert.True(s1["finality_ms_p99"]!.GetValue<long>() >= s1["finality_ms_p50"]!.GetValue<long>(), s1.ToJsonString());
        Assert.Matches("^[0-9a-f]{64}$", s1["state_root"]!.GetValue<string>());
        Assert.True(s1["supply_conserved"]!.GetValue<bool>(), s1.ToJsonString());
        Assert.Equal(0UL, s1["start_height"]!.GetValue<ulong>());
        // The user's funded key, for their own transactions against the devnet.
        string userKey = Path.Combine(home, "keys", "user.json");
        Assert.Contains($"key: {userKey}", first.Stdout, StringComparison.Ordinal);
        string userAddress = JsonNode.Parse(await File.ReadAllTextAsync(userKey))!["address"]!.GetValue<string>();
        Assert.Contains(userAddress, await File.ReadAllTextAsync(Path.Combine(home, "genesis.json")), StringComparison.Ordinal);

        var second = await PoccProcess.RunAsync(
            ["devnet", "--duration", "4", "--home", home, "--summary", secondSummary, "--api-url", FreePort.NextUrl()], RunTimeout);

        CliAssert.Succeeded(second);
        Assert.Contains("resumed", second.Stdout, StringComparison.Ordinal);
        var s2 = JsonNode.Parse(await File.ReadAllTextAsync(secondSummary))!.AsObject();
        Assert.Equal(s1["height"]!.GetValue<ulong>(), s2["start_height"]!.GetValue<ulong>());
        Assert.True(s2["height"]!.GetValue<ulong>() > s1["height"]!.GetValue<ulong>(), s2.ToJsonString());
        Assert.Equal(s1["accounts"]!.GetValue<int>(), s2["accounts"]!.GetValue<int>());
        Assert.True(s2["supply_conserved"]!.GetValue<bool>(), s2.ToJsonString());
    }

    [Fact]
    public async Task Devnet_refuses_a_non_positive_duration()
    {
        var result = await PoccProcess.RunAsync("devnet", "--duration", "0", "--home", _dir.Combine("devnet"), "--api-url", FreePort.NextUrl());

        CliAssert.FailedCleanly(result);
        Assert.False(Directory.Exists(_dir.Combine("devnet")), "the home was created although the arguments were refused");
    }

    public void Dispose() => _dir.Dispose();
}
