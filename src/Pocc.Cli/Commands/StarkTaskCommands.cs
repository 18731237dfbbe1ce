using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Pocc.Cli.Common;
using Pocc.Client;
using Pocc.Client.Models;
using Pocc.Client.Tasks;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Cli.Commands;

/// <summary>
/// The STARK side of <c>pocc task</c>: <c>task submit stark</c> posts a computation whose result comes with a proof, and
/// <c>task verify</c> of a STARK task checks that proof here against the task's inputs.
/// </summary>
internal static class StarkTaskCommands
{
    private static readonly (string Name, StarkComputation Computation)[] Computations =
    [
        ("permutation-chain", StarkComputation.PermutationChain),
        ("matrix-recurrence", StarkComputation.MatrixRecurrence),
    ];

    public static Command Submit()
    {
        var computation = new Option<string>("--computation")
        {
            Description = "permutation-chain (state ← M·state^7 + c, a delay-style task; 4 inputs) or matrix-recurrence (v ← A·v + b; 24 inputs: A row-major, b, v0)",
            Required = true,
        };
        computation.AcceptOnlyFromAmong([.. Computations.Select(c => c.Name)]);
        var steps = new Option<int>("--steps") { Description = $"Steps to run, {StarkComputations.MinSteps} to {StarkComputations.MaxSteps}", Required = true };
        var fee = new Option<ulong>("--fee") { Description = "Fee escrowed for the worker, in base units", Required = true };
        var bits = new Option<int>("--security-bits")
        {
            Description = "Conjectured security the worker's proof must reach (at least 96; at most 127 − log2 of 8× the trace rows)",
            DefaultValueFactory = _ => StarkParameters.DefaultSecurityBits,
        };
        var inputs = new Option<string?>("--inputs") { Description = "The input field elements, comma-separated decimal integers below 2^64 − 2^32 + 1 (default: generated from --seed)" };
        var seed = new Option<string?>("--seed") { Description = "Generate the inputs deterministically from this seed (default: a random seed)" };
        var posting = new TaskPostingOptions();
        var command = new Command("stark", "Post a computation whose result a worker proves with a STARK, so validators check a proof instead of re-running it")
        {
            computation, steps, fee, bits, inputs, seed,
        };
        foreach (var option in posting.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var chosen = Computations.Single(c => c.Name == result.GetValue(computation)).Computation;
            int stepCount = result.GetValue(steps);
            if (stepCount is < StarkComputations.MinSteps or > StarkComputations.MaxSteps)
            {
                throw new CliException($"--steps must be between {StarkComputations.MinSteps} and {StarkComputations.MaxSteps}");
            }
            int maxBits = StarkParameters.MaxStandardSecurityBits(int.Log2(StarkComputations.TraceLength(chosen, stepCount)));
            int securityBits = result.GetValue(bits);
            if (securityBits < StarkParameters.DefaultSecurityBits || securityBits > maxBits)
            {
                throw new CliException($"--security-bits must be between {StarkParameters.DefaultSecurityBits} and {maxBits} for {stepCount} steps");
            }
            uint deadlineBlocks = posting.DeadlineBlocks(result);
            string? inputText = result.GetValue(inputs);
            if (inputText is not null && result.GetValue(seed) is not null)
            {
                throw new CliException("--seed generates the inputs; it cannot be combined with --inputs");
            }
            Goldilocks[] values = inputText is not null
                ? ParseInputs(inputText, StarkComputations.InputElements(chosen))
                : GenerateInputs(result.GetValue(seed) ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), chosen, output);

            using var signer = KeysCommand.LoadKey(result.GetValue(posting.Key), result.GetValue(posting.Home)!);
            using var client = NodeClient.Connect(result.GetValue(posting.Node)!);
            var blob = await client.UploadStarkInputsAsync(chosen, values, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  inputs ({values.Length} elements): {blob.Root} ({blob.Size} bytes)")).ConfigureAwait(false);

            var options = new StarkTaskOptions { Fee = new Amount(result.GetValue(fee)), SecurityBits = (byte)securityBits, DeadlineBlocks = deadlineBlocks };
            var spec = options.ToSpec(chosen, (uint)stepCount, blob);
            return await posting.PostAsync(result, client, signer, spec, options.Fee,
                string.Create(CultureInfo.InvariantCulture, $"{WireNames.Name(spec.Kind)}, {stepCount} steps, at least {securityBits} bits of conjectured security, {spec.ComputeUnits} compute units"),
                cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>
    /// <c>task verify</c> for a STARK task: fetches the inputs and the result (each checked against its root), checks
    /// the proof against the statement they make at the task's security, and compares with the chain's verdict.
    /// </summary>
    public static async Task<int> VerifyAsync(PoccClient client, TaskView task, BlobRef committed, bool json, TextWriter output, string url,
        CancellationToken cancellationToken)
    {
        var computation = TaskKinds.StarkComputation(task.Kind);
        var clock = Stopwatch.StartNew();
        var inputs = await client.DownloadStarkInputsAsync(computation, task.InputA, cancellationToken).ConfigureAwait(false);
        Goldilocks[]? outputs = null;
        byte[]? proof = null;
        string? malformed = null;
        try
        {
            (outputs, proof) = await client.DownloadStarkResultAsync(committed, cancellationToken).ConfigureAwait(false);
        }
        catch (CodecException e)
        {
            malformed = $"{e.Code}: {e.Message}";
        }
        double downloadMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        string? reason = malformed;
        bool accepted = proof is not null
            && StarkVerifier.TryVerify(StarkComputations.CreateAir(computation, inputs, (int)task.Rows, outputs!), proof, task.Rounds, out reason);
        double verifyMs = clock.Elapsed.TotalMilliseconds;
        int? provenBits = null;
        if (proof is not null)
        {
            try
            {
                provenBits = StarkProof.ReadParameters(proof).ConjecturedSecurityBits(StarkComputations.TraceLength(computation, (int)task.Rows));
            }
            catch (Exception e) when (e is CodecException or ArgumentException)
            {
                // The verdict above already says why such a proof is rejected.
            }
        }
        string localOutcome = malformed is not null ? "malformed_result" : accepted ? "verified" : "wrong_result";

        var report = new JsonObject
        {
            ["task"] = task.Id,
            ["kind"] = WireNames.Name(task.Kind),
            ["policy"] = WireNames.Name(VerificationPolicy.Stark),
            ["result"] = committed.Root.ToString(),
            ["commit_height"] = task.CommitHeight,
            ["steps"] = task.Rows,
            ["outputs"] = outputs is null ? null : new JsonArray([.. outputs.Select(o => (JsonNode)o.Value)]),
            ["accepted"] = accepted,
            ["local_outcome"] = localOutcome,
            ["reason"] = accepted ? "the proof verifies" : reason,
            ["required_bits"] = task.Rounds,
            ["security_bits"] = provenBits,
            ["proof_bytes"] = proof?.Length,
        };
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"task {task.Id}: {WireNames.Name(task.Kind)}, {task.Rows} steps, result {committed.Root} committed at height {task.CommitHeight}");
        if (outputs is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"claimed outputs: {string.Join(", ", outputs.Select(o => o.Value))}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"local check: {(accepted ? $"the proof verifies ({provenBits} bits of conjectured security, {task.Rounds} required; {proof!.Length} bytes)" : "rejected: " + reason)}");
        // A STARK has no challenge seed to disagree on: the proof is non-interactive.
        return await TaskCommand.ReportVerificationAsync(output, json, task, accepted, seedMatches: true, report, text, downloadMs, verifyMs, url).ConfigureAwait(false);
    }

    private static Goldilocks[] ParseInputs(string text, int count)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != count)
        {
            throw new CliException($"--inputs: this computation takes {count} elements, got {parts.Length}");
        }
        var values = new Goldilocks[count];
        for (int i = 0; i < count; i++)
        {
            if (!ulong.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) || !Goldilocks.TryFromCanonical(value, out values[i]))
            {
                throw new CliException($"--inputs: '{parts[i]}' is not an integer between 0 and {Goldilocks.P - 1}");
            }
        }
        return values;
    }

    private static Goldilocks[] GenerateInputs(string seed, StarkComputation computation, TextWriter output)
    {
        output.WriteLine($"inputs from seed '{seed}':");
        // Element i is the first 8 bytes of BLAKE3(seed, i): the same seed gives the same inputs on any machine.
        return [.. Enumerable.Range(0, StarkComputations.InputElements(computation)).Select(i =>
            Goldilocks.FromUInt64(BitConverter.ToUInt64(Blake3Hash.Of(Encoding.UTF8.GetBytes($"pocc/cli/task/stark/{seed}/{i}")).ToArray(), 0)))];
    }
}
