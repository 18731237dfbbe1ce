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
            ["devnet", "--validators", "1", "--duration", "8", "--home", home, "--summary", firstSummary, "--api-url", FreePort.NextUrl(), "--accounts", "200"], RunTimeout);

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
            ["devnet", "--validators", "1", "--duration", "4", "--home", home, "--summary", secondSummary, "--api-url", FreePort.NextUrl()], RunTimeout);

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

    [Fact]
    public async Task Chaos_devnet_keeps_finalizing_with_four_validator_processes_and_loses_no_committed_transaction()
    {
        var summaryFile = _dir.Combine("chaos.json");

        var result = await PoccProcess.RunAsync(
            ["devnet", "--validators", "4", "--chaos", "--chaos-interval", "3", "--duration", "30", "--workers", "0", "--rate", "200", "--accounts", "200",
                "--home", _dir.Combine("chaos"), "--summary", summaryFile, "--api-url", FreePort.NextUrl()], TimeSpan.FromSeconds(150));

        CliAssert.Succeeded(result);
        var s = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!.AsObject();
        Assert.Equal(4, s["validators"]!.GetValue<int>());
        var heights = s["heights"]!.AsArray().Select(h => h!.GetValue<ulong>()).ToArray();
        Assert.Equal(4, heights.Length);
        Assert.Equal(heights.Min(), s["common_height"]!.GetValue<ulong>());
        Assert.Single(s["state_roots"]!.AsArray().Select(r => r!.GetValue<string>()).Distinct());
        Assert.True(s["state_roots_agree"]!.GetValue<bool>(), s.ToJsonString());
        Assert.True(s["restarts"]!.GetValue<int>() >= 2, s.ToJsonString());
        // Finality continued after the last validator came back: the follower only moves on finalized blocks.
        Assert.True(s["height"]!.GetValue<ulong>() > s["height_at_last_restart"]!.GetValue<ulong>(), s.ToJsonString());
        Assert.True(s["committed_transactions_checked"]!.GetValue<long>() > 0, s.ToJsonString());
        Assert.Equal(0, s["committed_transactions_lost"]!.GetValue<long>());
        Assert.True(s["follower_following"]!.GetValue<bool>(), s.ToJsonString());
        Assert.Contains("restarts", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Market_on_four_validator_processes_settles_tasks_and_the_follower_keeps_following()
    {
        var summaryFile = _dir.Combine("market.json");

        // The default market (two workers, one faulty; products and STARK tasks) on small products, so tasks settle quickly.
        var result = await PoccProcess.RunAsync(
            ["devnet", "--validators", "4", "--duration", "25", "--task-n", "128", "--accounts", "200",
                "--home", _dir.Combine("market"), "--summary", summaryFile, "--api-url", FreePort.NextUrl()], TimeSpan.FromSeconds(150));

        CliAssert.Succeeded(result);
        var s = JsonNode.Parse(await File.ReadAllTextAsync(summaryFile))!.AsObject();
        Assert.Equal(2, s["workers"]!.GetValue<int>());
        Assert.True(s["tasks_settled"]!.GetValue<long>() >= 1, s.ToJsonString());
        Assert.Equal(0, s["invalid_results_settled"]!.GetValue<long>());
        Assert.True(s["follower_following"]!.GetValue<bool>(), s.ToJsonString());
        Assert.True(s["follower_behind"]!.GetValue<ulong>() <= 3, s.ToJsonString());
        Assert.True(s["state_roots_agree"]!.GetValue<bool>(), s.ToJsonString());
        // The follower went on past the blocks that carried the verdicts.
        Assert.True(s["height"]!.GetValue<ulong>() >= s["common_height"]!.GetValue<ulong>(), s.ToJsonString());
    }

    [Theory]
    [InlineData("--validators", "0", "--validators must be between 1 and 7")]
    [InlineData("--validators", "9", "--validators must be between 1 and 7")]
    [InlineData("--chaos", "--validators=1", "--chaos needs at least 4 validators")]
    public async Task Devnet_refuses_a_bad_validator_count_or_chaos_without_enough_validators(string option, string value, string message)
    {
        var result = await PoccProcess.RunAsync("devnet", option, value, "--duration", "5", "--home", _dir.Combine("devnet"), "--api-url", FreePort.NextUrl());

        CliAssert.FailedCleanly(result);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.Combine("devnet")), "the home was created although the arguments were refused");
    }

    public void Dispose() => _dir.Dispose();
}
