using Pocc.Cli.Tests.EndToEnd;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>Task and worker commands refuse what cannot work with a clear error and a meaningful exit code.</summary>
[Collection(HonestMarketCollection.Name)]
public sealed class TaskBadInputTests(HonestMarketFixture market)
{
    private const string MissingRoot = "5f0e4bde0c3c4f1e9a9f3ed3b0d3b5b2a6f0c1d2e3f405162738495a6b7c8d9e";

    [Fact]
    public async Task Status_of_an_unknown_task_exits_3()
    {
        var result = await market.PoccAsync("task", "status", "987654");

        CliAssert.FailedCleanly(result, 3);
        Assert.Contains("task.not_found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Result_and_verify_of_an_unknown_task_exit_3()
    {
        CliAssert.FailedCleanly(await market.PoccAsync("task", "result", "987654", "--out", Path.Combine(market.Directory, "none.bin")), 3);
        CliAssert.FailedCleanly(await market.PoccAsync("task", "verify", "987654"), 3);
    }

    [Fact]
    public async Task Submit_naming_an_input_blob_the_node_does_not_have_fails_clearly()
    {
        var result = await market.PoccAsync("task", "submit", "matmul", "--n", "8", "--dtype", "mod61", "--fee", "1000",
            "--a", MissingRoot, "--b", MissingRoot, "--key", market.RequesterKey);

        CliAssert.FailedCleanly(result, 3);
        Assert.Contains($"--a: the node at {market.Url} has no blob {MissingRoot}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_naming_a_blob_of_the_wrong_size_for_the_shape_fails_clearly()
    {
        string file = Path.Combine(market.Directory, "ten-bytes.bin");
        await File.WriteAllBytesAsync(file, new byte[10]);
        string root = await market.PutBlobAsync(file);

        var result = await market.PoccAsync("task", "submit", "matmul", "--n", "4", "--dtype", "f64", "--fee", "1000",
            "--a", root, "--b", root, "--key", market.RequesterKey);

        CliAssert.FailedCleanly(result, 1);
        Assert.Contains("is 10 bytes, but a 4x4 matrix blob is 142 bytes", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--dtype mod61 --tolerance-ppb 5")]
    [InlineData("--dtype f64 --rounds 0")]
    [InlineData("--dtype f64 --rounds 65")]
    [InlineData("--dtype f64 --seed s --a " + MissingRoot + " --b " + MissingRoot)]
    [InlineData("--dtype f64 --a " + MissingRoot)]
    [InlineData("--dtype f64 --m 0")]
    [InlineData("--dtype f64 --deadline-blocks 0")]
    public async Task Submit_refuses_inconsistent_options_before_touching_the_chain(string options)
    {
        var result = await market.PoccAsync(["task", "submit", "matmul", "--n", "8", "--fee", "1000", "--key", market.RequesterKey, .. options.Split(' ')]);

        CliAssert.FailedCleanly(result, 1);
    }

    [Fact]
    public async Task Submit_with_a_fee_below_the_chain_minimum_is_refused_by_the_node()
    {
        var result = await market.PoccAsync("task", "submit", "matmul", "--n", "8", "--dtype", "mod61", "--fee", "1", "--key", market.RequesterKey);

        CliAssert.FailedCleanly(result, 1);
        Assert.Contains("task.invalid", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_commands_against_an_unreachable_node_exit_2()
    {
        var result = await PoccProcess.RunAsync("task", "status", "1", "--node", $"http://127.0.0.1:{FreePort.Next()}");

        CliAssert.FailedCleanly(result, 2);
    }

    [Fact]
    public async Task Worker_whose_key_cannot_pay_the_stake_fails_to_register_with_the_reason()
    {
        string key = Path.Combine(market.Directory, "unfunded.json");
        CliAssert.Succeeded(await PoccProcess.RunAsync("keys", "new", "--out", key, "--force"));

        var result = await PoccProcess.RunAsync(["worker", "run", "--node", market.Url, "--key", key], TimeSpan.FromSeconds(60), null);

        CliAssert.FailedCleanly(result, 1);
        Assert.Contains("cannot register", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("tx.insufficient_funds", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--faulty-rate", "1.5")]
    [InlineData("--capabilities", "sha256")]
    public async Task Worker_refuses_bad_options(string option, string value)
    {
        var result = await PoccProcess.RunAsync(["worker", "run", "--node", market.Url, "--key", market.WorkerKey, option, value], TimeSpan.FromSeconds(30), null);

        CliAssert.FailedCleanly(result, 1);
    }
}
