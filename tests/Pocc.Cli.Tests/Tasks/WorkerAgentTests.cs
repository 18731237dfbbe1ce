using Pocc.Cli.Commands;
using Pocc.Cli.Common;
using Pocc.Cli.Workers;
using Pocc.Client;
using Pocc.Compute.Matmul;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Tasks;
using Pocc.Proofs.Freivalds;

namespace Pocc.Cli.Tests.Tasks;

/// <summary>The worker's and the CLI's pieces that need no node: fault injection, error mapping, options.</summary>
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

    [Theory]
    [InlineData(422, "tx.nonce_gap", 1)]
    [InlineData(503, "mempool.full", 1)]
    [InlineData(404, "worker.not_found", 3)]
    public void Node_refusals_become_cli_errors_with_their_message_code_and_exit_code(int status, string code, int exitCode)
    {
        var refusal = new PoccApiException((System.Net.HttpStatusCode)status, code, "Request failed", "because");

        var error = CliException.From(refusal);

        Assert.Equal(code, error.Code);
        Assert.Equal($"{code}: because", error.Message);
        Assert.Equal(exitCode, error.ExitCode);
    }

    [Fact]
    public void An_unreachable_node_is_exit_code_2_without_a_code()
    {
        var error = CliException.From(new PoccUnavailableException("cannot reach the node at http://x/: refused"));

        Assert.Equal(CliException.UnreachableExitCode, error.ExitCode);
        Assert.Null(error.Code);
        Assert.Equal("cannot reach the node at http://x/: refused", error.Message);
    }

    [Theory]
    [InlineData("f64", WorkerCapabilities.MatmulFloat64)]
    [InlineData("mod61", WorkerCapabilities.MatmulMod61)]
    [InlineData("f64, matmul_mod61", WorkerCapabilities.MatmulFloat64 | WorkerCapabilities.MatmulMod61)]
    [InlineData("permutation-chain", WorkerCapabilities.StarkPermutationChain)]
    [InlineData("stark_matrix_recurrence", WorkerCapabilities.StarkMatrixRecurrence)]
    [InlineData("f64,mod61,permutation-chain,matrix-recurrence", TaskKinds.All)]
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
