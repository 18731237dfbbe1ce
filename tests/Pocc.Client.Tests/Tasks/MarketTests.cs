using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Pocc.Client.Models;
using Pocc.Client.Tasks;
using Pocc.Client.Transactions;
using Pocc.Compute.Matmul;
using Pocc.Core.Crypto;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Node.Tests.Builders;

namespace Pocc.Client.Tests.Tasks;

/// <summary>The requester's side of the market through the client, with a real worker verifying against a real node.</summary>
public sealed partial class MarketTests(MarketFixture market) : IClassFixture<MarketFixture>, IDisposable
{
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromSeconds(90);

    private readonly PoccClient _client = market.NewClient();
    private readonly CancellationTokenSource _timeout = new(TaskTimeout);

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose()
    {
        _client.Dispose();
        _timeout.Dispose();
    }

    [Theory]
    [InlineData(MatrixElementType.Mod61)]
    [InlineData(MatrixElementType.Float64)]
    public async Task A_posted_matmul_task_is_settled_and_its_result_is_the_product(MatrixElementType type)
    {
        using var requester = new TransactionSubmitter(_client, market.TakeRequester(), new Amount(10));
        var a = Matrix.Random(12, 20, type, Blake3Hash.Of("a"u8));
        var b = Matrix.Random(20, 8, type, Blake3Hash.Of("b"u8));
        var seen = new List<string>();

        var task = await requester.RunMatmulTaskAsync(a, b, new MatmulTaskOptions { Fee = new Amount(5_000) }, t => seen.Add(t.State), Timeout);
        var c = await _client.DownloadResultAsync(task, Timeout);

        Assert.Equal("settled", task.State);
        Assert.Equal("verified", task.Outcome);
        Assert.Equal(market.WorkerKey.Address.ToString(), task.Worker);
        Assert.Equal(requester.Address.ToString(), task.Requester);
        Assert.Equal("settled", seen[^1]);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(MatmulExecutor.CreateDefault(preferManaged: true, maxDegreeOfParallelism: 1).Multiply(a, b).ContentEquals(c), "the settled result is not A·B");
        Assert.Equal(task, await _client.GetTaskAsync(task.Id, Timeout));
        Assert.Equal(type == MatrixElementType.Mod61 ? 122 : 16, task.SoundnessBits);
    }

    [Fact]
    public async Task A_STARK_task_settles_and_its_outputs_are_read_after_the_proof_is_checked_here()
    {
        using var requester = new TransactionSubmitter(_client, market.TakeRequester(), new Amount(10));
        Goldilocks[] inputs = [.. Enumerable.Range(1, StarkComputations.InputElements(StarkComputation.MatrixRecurrence)).Select(i => Goldilocks.FromCanonical((ulong)i))];

        var posted = await requester.PostStarkTaskAsync(StarkComputation.MatrixRecurrence, inputs, 511, new StarkTaskOptions { Fee = new Amount(2_000) }, Timeout);
        var task = await _client.WaitForTaskAsync(posted.Id, cancellationToken: Timeout);
        var outputs = await _client.DownloadVerifiedOutputsAsync(task, Timeout);

        Assert.Equal("settled", task.State);
        Assert.Equal("stark", task.Policy);
        Assert.Equal(StarkParameters.DefaultSecurityBits, task.SoundnessBits);
        Assert.Equal(StarkComputations.Compute(StarkComputation.MatrixRecurrence, inputs, 511), outputs);
    }

    [Fact]
    public async Task A_task_on_inputs_already_stored_is_posted_with_its_id()
    {
        using var requester = new TransactionSubmitter(_client, market.TakeRequester(), new Amount(10));
        var a = await _client.UploadMatrixAsync(Matrix.Random(4, 4, MatrixElementType.Mod61, Blake3Hash.Of("stored a"u8)), Timeout);
        var b = await _client.UploadMatrixAsync(Matrix.Random(4, 4, MatrixElementType.Mod61, Blake3Hash.Of("stored b"u8)), Timeout);
        var spec = new MatmulTaskOptions { Fee = new Amount(1_000), Rounds = 1 }.ToSpec(TaskKind.MatmulMod61, 4, 4, 4, a, b);

        var posted = await requester.PostTaskAsync(spec, new Amount(1_000), Timeout);
        var task = await _client.WaitForTaskAsync(posted.Id, cancellationToken: Timeout);

        Assert.Equal(posted.Height, task.PostedHeight);
        Assert.Equal(a.Root.ToString(), task.InputA.Root);
        Assert.Equal(1, task.Rounds);
        Assert.Equal("settled", task.State);
        Assert.Equal(posted.Id, TaskView.From(task).Id);
    }

    [Fact]
    public async Task A_task_the_chain_refuses_throws_its_code()
    {
        using var requester = new TransactionSubmitter(_client, market.TakeRequester(), new Amount(10));
        var a = Matrix.Random(2, 2, MatrixElementType.Mod61, Blake3Hash.Of("cheap"u8));

        var error = await Assert.ThrowsAsync<PoccApiException>(() => requester.PostMatmulTaskAsync(a, a, new MatmulTaskOptions { Fee = new Amount(1) }, Timeout));

        Assert.Equal(LedgerErrors.InvalidTask, error.Code);
    }

    [Fact]
    public async Task Tasks_are_listed_newest_first_filtered_and_paged()
    {
        using var requester = new TransactionSubmitter(_client, market.TakeRequester(), new Amount(10));
        var m = Matrix.Random(3, 3, MatrixElementType.Mod61, Blake3Hash.Of("listed"u8));
        var options = new MatmulTaskOptions { Fee = new Amount(1_000) };
        var first = await requester.RunMatmulTaskAsync(m, m, options, cancellationToken: Timeout);
        var second = await requester.RunMatmulTaskAsync(m, m, options, cancellationToken: Timeout);

        var page = await _client.ListTasksAsync(new TaskQuery(Limit: 1), Timeout);
        var all = await ToListAsync(_client.EnumerateTasksAsync(new TaskQuery(Limit: 1), Timeout));
        var settledByWorker = await ToListAsync(_client.EnumerateTasksAsync(new TaskQuery(TaskState.Settled, market.WorkerKey.Address), Timeout));

        Assert.Single(page.Tasks);
        Assert.Equal(page.Tasks[0].Id, page.NextBefore);
        Assert.Equal(all.Select(t => t.Id).OrderDescending(), all.Select(t => t.Id));
        Assert.Equal(all.Count, all.Select(t => t.Id).Distinct().Count());
        Assert.Contains(all, t => t.Id == first.Id);
        Assert.Contains(all, t => t.Id == second.Id);
        Assert.All(settledByWorker, t => Assert.Equal(("settled", market.WorkerKey.Address.ToString()), (t.State, t.Worker)));
        Assert.Contains(settledByWorker, t => t.Id == second.Id);
    }

    [Fact]
    public async Task The_market_counts_settled_tasks_and_their_verified_compute()
    {
        using var requester = new TransactionSubmitter(_client, market.TakeRequester(), new Amount(10));
        var m = Matrix.Random(8, 8, MatrixElementType.Mod61, Blake3Hash.Of("counted"u8));
        var before = await _client.GetMarketAsync(Timeout);

        await requester.RunMatmulTaskAsync(m, m, new MatmulTaskOptions { Fee = new Amount(1_000) }, cancellationToken: Timeout);
        var after = await _client.GetMarketAsync(Timeout);

        Assert.True(after.Tasks.Settled >= before.Tasks.Settled + 1, $"{before.Tasks.Settled} settled before, {after.Tasks.Settled} after");
        Assert.True(after.VerifiedGflop > before.VerifiedGflop);
    }

    [Fact]
    public async Task Workers_are_listed_with_their_record_and_an_unknown_one_is_not_found()
    {
        var listed = await _client.ListWorkersAsync(cancellationToken: Timeout);
        var worker = await _client.GetWorkerAsync(market.WorkerKey.Address, Timeout);
        var unknown = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetWorkerAsync(TestKeys.Stranger("not a worker").Address, Timeout));
        var noTask = await Assert.ThrowsAsync<PoccApiException>(() => _client.GetTaskAsync(987_654, Timeout));

        Assert.Contains(listed.Workers, w => w.Address == worker.Address);
        Assert.Equal(["matmul_f64", "matmul_mod61", "stark_permutation_chain", "stark_matrix_recurrence"], worker.Capabilities);
        Assert.Equal(LedgerErrors.WorkerNotFound, unknown.Code);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(LedgerErrors.TaskNotFound, noTask.Code);
    }

    [Fact]
    public void A_task_view_parses_the_wire_model_and_refuses_what_it_cannot_parse()
    {
        var model = new TaskModel(7, "pocc1requester", "matmul_f64", "freivalds", 3, 4, 5, new BlobRefModel(new string('1', 64), 110), new BlobRefModel(new string('2', 64), 174),
            25, 16, 1, 100, "5000", "committed", "none", 10, "pocc1worker", 11, 1, new BlobRefModel(new string('3', 64), 134), 12, 0, 16, 120, null);

        var task = TaskView.From(model);

        Assert.Equal(TaskKind.MatmulFloat64, task.Kind);
        Assert.Equal("3x4x5", task.ShapeText);
        Assert.Equal(25e-9, task.RelativeTolerance);
        Assert.False(task.IsClosed);
        var ledger = task.ToLedgerTask();
        Assert.Equal(7UL, ledger.Id);
        Assert.Equal(task.Result, ledger.Result);
        var block = Blake3Hash.Of("block"u8);
        Assert.Equal(TaskRules.ChallengeSeed(block, ledger), TaskRules.ChallengeSeed(block, ledger with { Fee = new Amount(1) }));
        Assert.Throws<PoccClientException>(() => TaskView.From(model with { Kind = "matmul_f32" }));
        Assert.Throws<PoccClientException>(() => TaskView.From(model with { InputA = new BlobRefModel("not hex", 1) }));
    }

    [Fact]
    public async Task The_example_program_prints_the_root_of_the_result_the_node_settled()
    {
        string keyFile = Path.Combine(Path.GetTempPath(), $"pocc-example-key-{Guid.NewGuid():N}.json");
        KeyFile.Write(keyFile, market.TakeRequester());
        try
        {
            var (exitCode, stdout, stderr) = await RunExampleAsync("--node", market.Node.Http.BaseAddress!.ToString(), "--key", keyFile, "--n", "16");

            Assert.True(exitCode == 0, $"exit code {exitCode}\n{stdout}\n{stderr}");
            var id = ulong.Parse(PostedLine().Match(stdout).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var root = RootLine().Match(stdout).Groups[1].Value;
            var task = await _client.GetTaskAsync(id, Timeout);
            Assert.Equal("settled", task.State);
            Assert.Equal(task.Result!.Root, root);
            Assert.Contains("outcome: settled (verified)", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunExampleAsync(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "MatmulTask.dll");
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the example");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TaskTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the example did not finish within {TaskTimeout.TotalSeconds} s\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }

    [GeneratedRegex(@"^task (\d+) posted", RegexOptions.Multiline)]
    private static partial Regex PostedLine();

    [GeneratedRegex(@"^result root: ([0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex RootLine();
}
