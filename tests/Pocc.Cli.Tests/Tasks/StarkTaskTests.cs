using System.Globalization;
using Pocc.Cli.Commands;
using Pocc.Cli.Tests.EndToEnd;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>
/// STARK tasks end to end, with the node, the worker and the requester as separate processes: the worker runs the
/// computation and proves it, the validator checks the proof without re-running it, and <c>pocc task verify</c>
/// checks the same proof on its own.
/// </summary>
[Collection(HonestMarketCollection.Name)]
public sealed class StarkTaskTests(HonestMarketFixture market)
{
    [Theory]
    [InlineData("permutation-chain", StarkComputation.PermutationChain, "4095")]
    [InlineData("matrix-recurrence", StarkComputation.MatrixRecurrence, "2047")]
    public async Task A_STARK_task_is_proven_verified_and_settled_and_its_outputs_are_the_computation(string computation, StarkComputation which, string steps)
    {
        int count = StarkComputations.InputElements(which);
        var inputs = Enumerable.Range(1, count).Select(i => (ulong)i * 1_000_003).ToArray();
        var submit = await market.SubmitStarkAndWaitAsync(
            "--computation", computation, "--steps", steps, "--fee", "5000", "--security-bits", "100",
            "--inputs", string.Join(',', inputs.Select(v => v.ToString(CultureInfo.InvariantCulture))));

        CliAssert.Succeeded(submit);
        string id = TaskMarketFixture.PostedTaskId(submit);
        Assert.Contains($"task {id}: settled at height", submit.Stdout, StringComparison.Ordinal);
        Assert.Contains("its STARK proof was checked at 100 or more bits", submit.Stdout, StringComparison.Ordinal);

        var verify = CliAssert.Json(await market.PoccAsync("task", "verify", id, "--json"));
        Assert.True(verify["accepted"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["agrees_with_chain"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.Equal("stark", verify["policy"]!.GetValue<string>());
        Assert.True(verify["security_bits"]!.GetValue<int>() >= 100, verify.ToJsonString());

        // The proven outputs are what the computation gives natively.
        var expected = StarkComputations.Compute(which, [.. inputs.Select(Goldilocks.FromCanonical)], int.Parse(steps, CultureInfo.InvariantCulture));
        Assert.Equal(expected.Select(e => e.Value), verify["outputs"]!.AsArray().Select(o => o!.GetValue<ulong>()));

        // The downloaded result blob holds the same outputs and a proof that verifies here too.
        string file = Path.Combine(market.Directory, $"stark-result-{id}.bin");
        CliAssert.Succeeded(await market.PoccAsync("task", "result", id, "--out", file));
        var (outputs, proof) = StarkTaskBlobs.DecodeResult(await File.ReadAllBytesAsync(file));
        Assert.Equal(expected, outputs);
        Assert.True(StarkVerifier.TryVerify(StarkComputations.CreateAir(which, [.. inputs.Select(Goldilocks.FromCanonical)], int.Parse(steps, CultureInfo.InvariantCulture), outputs),
            proof, 100, out string? reason), reason);

        var task = await market.Node.GetAsync($"/v1/tasks/{id}");
        Assert.Equal("stark", task["policy"]!.GetValue<string>());
        Assert.Equal($"stark_{computation.Replace('-', '_')}", task["kind"]!.GetValue<string>());
        Assert.Equal(StarkComputations.OperationsPerStep(which) * ulong.Parse(steps, CultureInfo.InvariantCulture), task["compute_units"]!.GetValue<ulong>());
    }

    [Theory]
    [InlineData("--steps", "62")]
    [InlineData("--steps", "1048576")]
    [InlineData("--security-bits", "95")]
    [InlineData("--security-bits", "119")]
    [InlineData("--inputs", "1,2,3")]
    [InlineData("--inputs", "1,2,3,18446744069414584321")]
    public async Task Bad_options_are_refused_before_anything_is_posted(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--steps"] = "63", ["--security-bits"] = "96", ["--inputs"] = "1,2,3,4" };
        args[option] = value;
        var result = await market.PoccAsync(["task", "submit", "stark", "--computation", "permutation-chain", "--fee", "5000", "--key", market.RequesterKey,
            .. args.SelectMany(a => new[] { a.Key, a.Value })]);
        CliAssert.FailedCleanly(result, 1);
        Assert.DoesNotContain("posted", result.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>A worker that claims a wrong output and proves it: the validators reject the proof, and the worker is slashed.</summary>
public sealed class FaultyStarkTaskTests(FaultyMarketFixture market) : IClassFixture<FaultyMarketFixture>
{
    [Fact]
    public async Task A_proof_of_a_false_output_is_rejected_the_worker_slashed_and_the_local_check_agrees()
    {
        var before = await market.WorkerInfoAsync();
        var submit = await market.SubmitStarkAndWaitAsync("--computation", "permutation-chain", "--steps", "1023", "--fee", "5000", "--seed", "faulty-stark");

        Assert.True(submit.ExitCode == TaskCommand.NotSettledExitCode, $"expected exit code {TaskCommand.NotSettledExitCode}\n{submit}\n{market.Logs}");
        string id = TaskMarketFixture.PostedTaskId(submit);
        Assert.Contains("outcome wrong_result", submit.Stdout, StringComparison.Ordinal);
        var after = await market.WorkerInfoAsync();
        Assert.Equal(before["tasks_rejected"]!.GetValue<ulong>() + 1, after["tasks_rejected"]!.GetValue<ulong>());

        var verify = CliAssert.Json(await market.PoccAsync("task", "verify", id, "--json"));
        Assert.False(verify["accepted"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["agrees_with_chain"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.Equal("wrong_result", verify["local_outcome"]!.GetValue<string>());
    }
}
