using Pocc.Cli.Commands;
using Pocc.Cli.Tests.EndToEnd;
using Pocc.Compute.Matmul;
using Pocc.Core.Matrices;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>
/// A requester, a node and <c>pocc worker run</c> as separate processes: tasks go from posted to settled, the result
/// is the true product, and <c>pocc task verify</c> reaches the chain's verdict on its own.
/// </summary>
[Collection(HonestMarketCollection.Name)]
public sealed class HonestWorkerTests(HonestMarketFixture market)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Mod61_task_is_computed_verified_and_settled_and_its_result_is_the_product()
    {
        var submit = await market.SubmitAndWaitAsync("--n", "64", "--dtype", "mod61", "--fee", "5000", "--seed", "honest-mod61");

        CliAssert.Succeeded(submit);
        string id = TaskMarketFixture.PostedTaskId(submit);
        Assert.Contains($"task {id}: settled at height", submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("outcome verified", submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("122 bits of soundness", submit.Stdout, StringComparison.Ordinal);
        await market.Worker.WaitForOutputAsync($"task {id}: 64x64x64 mod61 computed in", Soon);

        var verify = CliAssert.Json(await market.PoccAsync("task", "verify", id, "--json"));
        Assert.True(verify["accepted"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["agrees_with_chain"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["challenge_seed_matches_node"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.Equal(122, verify["soundness_bits"]!.GetValue<double>());

        string file = Path.Combine(market.Directory, $"result-{id}.bin");
        CliAssert.Succeeded(await market.PoccAsync("task", "result", id, "--out", file));
        var c = Matrix.Decode(await File.ReadAllBytesAsync(file), long.MaxValue);
        var a = Matrix.Random(64, 64, MatrixElementType.Mod61, TaskCommand.InputSeed("honest-mod61", "a"));
        var b = Matrix.Random(64, 64, MatrixElementType.Mod61, TaskCommand.InputSeed("honest-mod61", "b"));
        Assert.True(MatmulExecutor.CreateDefault().Multiply(a, b).ContentEquals(c), "the settled result is not A·B");

        var worker = await market.WorkerInfoAsync();
        Assert.True(worker["tasks_settled"]!.GetValue<ulong>() >= 1, worker.ToJsonString());
        Assert.Equal("0", worker["slashed"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rectangular_f64_task_is_verified_within_its_tolerance_and_settled()
    {
        var submit = await market.SubmitAndWaitAsync(
            "--n", "40", "--m", "24", "--k", "56", "--dtype", "f64", "--fee", "2000", "--rounds", "16", "--tolerance-ppb", "100", "--seed", "honest-f64");

        CliAssert.Succeeded(submit);
        string id = TaskMarketFixture.PostedTaskId(submit);
        Assert.Contains("outcome verified", submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("16 bits of soundness", submit.Stdout, StringComparison.Ordinal);
        await market.Worker.WaitForOutputAsync($"task {id}: 24x56x40 f64 computed in", Soon);

        var verify = CliAssert.Json(await market.PoccAsync("task", "verify", id, "--json"));
        Assert.True(verify["accepted"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["agrees_with_chain"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["worst_residual_ratio"]!.GetValue<double>() <= 1, verify.ToJsonString());

        var text = await market.PoccAsync("task", "verify", id);
        CliAssert.Succeeded(text);
        Assert.Contains("the local check agrees", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_on_inputs_already_uploaded_as_blobs_settles()
    {
        string fileA = Path.Combine(market.Directory, "a.pmat"), fileB = Path.Combine(market.Directory, "b.pmat");
        var seed = Core.Hashing.Blake3Hash.Of("uploaded inputs"u8);
        await File.WriteAllBytesAsync(fileA, Matrix.Random(16, 8, MatrixElementType.Mod61, seed).Encode());
        await File.WriteAllBytesAsync(fileB, Matrix.Random(8, 32, MatrixElementType.Mod61, seed).Encode());
        string rootA = await market.PutBlobAsync(fileA);
        string rootB = await market.PutBlobAsync(fileB);

        var submit = await market.SubmitAndWaitAsync("--m", "16", "--k", "8", "--n", "32", "--dtype", "mod61", "--fee", "1000", "--a", rootA, "--b", rootB);

        CliAssert.Succeeded(submit);
        string id = TaskMarketFixture.PostedTaskId(submit);
        var status = CliAssert.Json(await market.PoccAsync("task", "status", id));
        Assert.Equal("settled", status["state"]!.GetValue<string>());
        Assert.Equal(rootA, status["input_a"]!["root"]!.GetValue<string>());
        Assert.Equal(rootB, status["input_b"]!["root"]!.GetValue<string>());
        Assert.Equal(market.WorkerAddress, status["worker"]!.GetValue<string>());
    }

    [Fact]
    public async Task Worker_resynchronises_its_nonce_after_its_key_is_used_elsewhere()
    {
        // Spends the nonce the worker would use next, behind its back.
        CliAssert.Succeeded(await market.PoccAsync("tx", "transfer", "--to", market.RequesterAddress, "--amount", "1", "--key", market.WorkerKey, "--wait"));

        var submit = await market.SubmitAndWaitAsync("--n", "16", "--dtype", "mod61", "--fee", "1000");

        Assert.True(submit.ExitCode == 0, $"{submit}\n{market.Logs}");
        Assert.Contains("outcome verified", submit.Stdout, StringComparison.Ordinal);
    }
}
