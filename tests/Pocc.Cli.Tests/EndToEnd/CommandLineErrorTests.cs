namespace Pocc.Cli.Tests.EndToEnd;

/// <summary>Mistakes caught before any node is involved, and nodes that are not there.</summary>
public sealed class CommandLineErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("query frobnicate")]
    [InlineData("query status --frobnicate")]
    [InlineData("keys new")]
    public async Task Unknown_or_incomplete_commands_exit_non_zero_with_a_message(string commandLine)
    {
        var result = await PoccProcess.RunAsync(commandLine.Split(' '));

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr), result.ToString());
        CliAssert.NoStackTrace(result);
    }

    [Fact]
    public async Task Query_against_a_url_where_nothing_listens_exits_with_code_2()
    {
        var result = await PoccProcess.RunAsync("query", "status", "--node", FreePort.NextUrl());

        CliAssert.FailedCleanly(result, exitCode: 2);
        Assert.Contains("cannot reach the node", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transfer_against_a_url_where_nothing_listens_exits_with_code_2()
    {
        var key = _dir.Combine("key.json");
        var created = await PoccProcess.RunAsync("keys", "new", "--out", key);
        CliAssert.Succeeded(created);

        var result = await PoccProcess.RunAsync("tx", "transfer", "--key", key, "--to", CliAssert.Field(created, "address"), "--amount", "1",
            "--node", FreePort.NextUrl());

        CliAssert.FailedCleanly(result, exitCode: 2);
    }

    [Fact]
    public async Task A_node_url_that_is_not_http_is_refused()
    {
        var result = await PoccProcess.RunAsync("query", "status", "--node", "ftp://127.0.0.1:1");

        CliAssert.FailedCleanly(result, exitCode: 1);
    }

    [Fact]
    public async Task Node_run_on_a_home_that_was_never_initialized_fails_cleanly()
    {
        var result = await PoccProcess.RunAsync("node", "run", "--home", _dir.Combine("nothing-here"), "--api-url", FreePort.NextUrl());

        CliAssert.FailedCleanly(result);
        Assert.Contains("pocc init", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tx_with_a_missing_key_file_fails_cleanly()
    {
        var result = await PoccProcess.RunAsync("tx", "transfer", "--key", _dir.Combine("missing.json"), "--to", "pocc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "--amount", "1",
            "--node", FreePort.NextUrl());

        CliAssert.FailedCleanly(result);
        Assert.Contains("cannot read key file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_new_into_a_directory_that_cannot_be_created_fails_cleanly()
    {
        var notADirectory = _dir.Combine("plain-file");
        await File.WriteAllTextAsync(notADirectory, "");

        var result = await PoccProcess.RunAsync("keys", "new", "--out", Path.Combine(notADirectory, "key.json"));

        CliAssert.FailedCleanly(result, exitCode: 1);
    }

    [Fact]
    public async Task Node_run_with_an_api_url_that_is_not_a_url_fails_cleanly()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));

        var result = await PoccProcess.RunAsync("node", "run", "--home", home, "--api-url", "not-a-url");

        CliAssert.FailedCleanly(result, exitCode: 1);
    }

    [Fact]
    public async Task Node_run_on_a_port_already_in_use_fails_cleanly()
    {
        var home = _dir.Combine("home");
        CliAssert.Succeeded(await PoccProcess.RunAsync("init", "--home", home));
        var occupied = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupied.Start();
        try
        {
            var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)occupied.LocalEndpoint).Port}";

            var result = await PoccProcess.RunAsync("node", "run", "--home", home, "--api-url", url);

            CliAssert.FailedCleanly(result, exitCode: 1);
            Assert.Contains(url, result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            occupied.Stop();
        }
    }

    public void Dispose() => _dir.Dispose();
}
