using System.Text.Json.Nodes;
using Pocc.Cli.Commands;
using Pocc.Cli.Common;
using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Tasks;
using Pocc.Proofs.Freivalds;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>The worker's pieces that need no node: fault injection, the task view, error codes, options.</summary>
public sealed class WorkerAgentTests
{
    private static readonly Hash32 Seed = Blake3Hash.Of("worker agent tests"u8);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Corrupting_a_mod61_product_changes_exactly_one_entry_and_Freivalds_rejects_it(int seed)
    {
        var (a, b, c) = Product(MatrixElementType.Mod61, 12, 9, 7);

        var corrupted = WorkerAgent.Corrupt(a, b, c, new Random(seed));

        Assert.Equal(1, Differences(c.Mod61.ToArray(), corrupted.Mod61.ToArray()));
        Assert.False(FreivaldsVerifier.VerifyMod61(a, b, corrupted, Seed, 1).Accepted);
        Assert.True(FreivaldsVerifier.VerifyMod61(a, b, c, Seed, 1).Accepted);
    }

    [Theory]
    [InlineData(1e-9)]
    [InlineData(1e-3)]
    [InlineData(0.5)]
    public void Corrupting_an_f64_product_exceeds_even_a_loose_tolerance(double tolerance)
    {
        var (a, b, c) = Product(MatrixElementType.Float64, 20, 30, 10);

        var corrupted = WorkerAgent.Corrupt(a, b, c, new Random(5));

        Assert.Equal(1, Differences(c.Float64.ToArray(), corrupted.Float64.ToArray()));
        // ±1 challenges catch an entry beyond the bound with probability ≥ 1/2 per round; 40 rounds leave 2^-40.
        Assert.False(FreivaldsVerifier.VerifyFloat64(a, b, corrupted, Seed, 40, tolerance).Accepted);
        Assert.True(FreivaldsVerifier.VerifyFloat64(a, b, c, Seed, 40, tolerance).Accepted);
    }

    [Fact]
    public void Task_view_reads_the_node_task_json_and_rebuilds_the_challenge_seed_inputs()
    {
        var json = JsonNode.Parse("""
            {"id":7,"requester":"pocc1requester","kind":"matmul_f64","rows":3,"inner":4,"columns":5,
             "input_a":{"root":"0101010101010101010101010101010101010101010101010101010101010101","size":110},
             "input_b":{"root":"0202020202020202020202020202020202020202020202020202020202020202","size":174},
             "tolerance_ppb":25,"rounds":16,"redundancy":1,"deadline_blocks":100,"fee":"5000","state":"committed","outcome":"none",
             "posted_height":10,"worker":"pocc1worker","assigned_height":11,"attempts":1,
             "result":{"root":"0303030303030303030303030303030303030303030303030303030303030303","size":134},
             "commit_height":12,"closed_height":0,"soundness_bits":16,"compute_units":120,"challenge_seed":null}
            """)!.AsObject();

        var task = TaskView.Parse(json);

        Assert.Equal(7UL, task.Id);
        Assert.Equal(TaskKind.MatmulFloat64, task.Kind);
        Assert.Equal("3x4x5", task.ShapeText);
        Assert.Equal(25e-9, task.RelativeTolerance);
        Assert.Null(task.ChallengeSeed);
        Assert.False(task.IsClosed);
        var ledger = task.ToLedgerTask();
        Assert.Equal(7UL, ledger.Id);
        Assert.Equal(task.Result, ledger.Result);
        var block = Blake3Hash.Of("block"u8);
        Assert.Equal(TaskRules.ChallengeSeed(block, ledger), TaskRules.ChallengeSeed(block, ledger with { Fee = new Ledger.Primitives.Amount(1) }));
    }

    [Fact]
    public void Task_view_refuses_an_unexpected_answer_with_a_cli_error()
    {
        var json = JsonNode.Parse("""{"id":7,"kind":"matmul_f32"}""")!.AsObject();

        Assert.Throws<CliException>(() => TaskView.Parse(json));
    }

    [Theory]
    [InlineData(422, """{"code":"tx.nonce_gap","detail":"nonce 9 is ahead"}""", "tx.nonce_gap", "tx.nonce_gap: nonce 9 is ahead", 1)]
    [InlineData(503, "busy", "http.503", "http.503: Service Unavailable", 1)]
    [InlineData(404, """{"code":"worker.not_found","title":"Not found"}""", "worker.not_found", "worker.not_found: Not found", 3)]
    public void Node_problem_answers_become_cli_errors_carrying_their_code(int status, string body, string code, string message, int exitCode)
    {
        JsonObject? problem = null;
        try
        {
            problem = JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        var error = CliException.FromProblem((System.Net.HttpStatusCode)status, "Service Unavailable", problem);

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
        Assert.Equal(exitCode, error.ExitCode);
    }

    [Fact]
    public void Failures_that_are_not_refusals_carry_no_code()
    {
        Assert.Null(new CliException("cannot reach the node at http://x/: refused", 2).Code);
    }

    [Fact]
    public void Unreachable_nodes_and_server_errors_are_transient_refusals_are_not()
    {
        Assert.True(NodeErrors.IsTransient(new CliException("cannot reach the node", 2)));
        Assert.True(NodeErrors.IsTransient(new CliException("http.503: busy", code: "http.503")));
        Assert.False(NodeErrors.IsTransient(new CliException("tx.insufficient_funds: no", code: "tx.insufficient_funds")));
        Assert.True(NodeErrors.IsNotFound(new CliException("worker.not_found: no", 3, "worker.not_found"), "worker.not_found"));
        Assert.False(NodeErrors.IsNotFound(new CliException("http.not_found: Not Found", 3, "http.not_found"), "worker.not_found"));
    }

    [Theory]
    [InlineData("f64", WorkerCapabilities.MatmulFloat64)]
    [InlineData("mod61", WorkerCapabilities.MatmulMod61)]
    [InlineData("f64, matmul_mod61", TaskKinds.All)]
    public void Capabilities_are_parsed_from_their_names(string text, WorkerCapabilities expected)
    {
        Assert.Equal(expected, WorkerCommand.ParseCapabilities(text));
    }

    [Fact]
    public void Options_refuse_a_faulty_rate_outside_zero_to_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerAgentOptions { NodeUrl = "http://127.0.0.1:1", FaultyRate = 1.5 }.Validate());
    }

    [Fact]
    public void Generated_inputs_depend_on_the_seed_and_differ_between_a_and_b()
    {
        Assert.NotEqual(TaskCommand.InputSeed("s", "a"), TaskCommand.InputSeed("s", "b"));
        Assert.NotEqual(TaskCommand.InputSeed("s", "a"), TaskCommand.InputSeed("t", "a"));
        Assert.Equal(TaskCommand.InputSeed("s", "a"), TaskCommand.InputSeed("s", "a"));
    }

    private static (Matrix A, Matrix B, Matrix C) Product(MatrixElementType type, int m, int k, int n)
    {
        var a = Matrix.Random(m, k, type, Blake3Hash.Of("a"u8));
        var b = Matrix.Random(k, n, type, Blake3Hash.Of("b"u8));
        return (a, b, MatmulExecutor.CreateDefault(preferManaged: true, maxDegreeOfParallelism: 1).Multiply(a, b));
    }

    private static int Differences<T>(T[] x, T[] y) where T : IEquatable<T> => x.Where((v, i) => !v.Equals(y[i])).Count();
}
