using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pocc.Cli.Common;
using Pocc.Client;
using Pocc.Client.Models;
using Pocc.Client.Tasks;
using Pocc.Client.Transactions;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Proofs.Freivalds;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Commands;

/// <summary>
/// <c>pocc task submit|status|result|verify</c>: post matrix-multiply and STARK tasks, follow them to settlement, fetch
/// their verified results, and re-check a result locally so a requester need not trust the node's verdict.
/// </summary>
public static class TaskCommand
{
    /// <summary>Exit code when a task closed without being settled (rejected or expired) or a local check rejects a result.</summary>
    public const int NotSettledExitCode = 4;

    /// <summary>Exit code when the local check of <c>task verify</c> disagrees with the chain's verdict.</summary>
    public const int DisagreementExitCode = 5;

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create() => new("task", "Post compute tasks, follow them, fetch and independently verify their results")
    {
        new Command("submit", "Post a task") { SubmitMatmul(), StarkTaskCommands.Submit() },
        Status(),
        Result(),
        Verify(),
    };

    private static Command SubmitMatmul()
    {
        var n = new Option<int>("--n") { Description = "Columns of B and C (and the default for --m and --k: an n×n·n×n product)", Required = true };
        var m = new Option<int?>("--m") { Description = "Rows of A and C (default: n)" };
        var k = new Option<int?>("--k") { Description = "Columns of A = rows of B (default: n)" };
        var dtype = new Option<string>("--dtype") { Description = "Element type: f64 (checked within a tolerance) or mod61 (exact, integers mod 2^61-1)", Required = true };
        dtype.AcceptOnlyFromAmong("f64", "mod61");
        var fee = new Option<ulong>("--fee") { Description = "Fee escrowed for the worker, in base units", Required = true };
        var rounds = new Option<int?>("--rounds") { Description = $"Freivalds rounds (default: {MatmulTaskOptions.DefaultMod61Rounds} for mod61 = 122 bits, {MatmulTaskOptions.DefaultFloat64Rounds} for f64)" };
        var tolerance = new Option<uint?>("--tolerance-ppb") { Description = $"f64 only: relative tolerance in parts per billion (default {MatmulTaskOptions.DefaultTolerancePpb})" };
        var seed = new Option<string?>("--seed") { Description = "Generate A and B deterministically from this seed (default: a random seed)" };
        var inputA = new Option<string?>("--a") { Description = "Use this already uploaded blob (root) as A instead of generating one" };
        var inputB = new Option<string?>("--b") { Description = "Use this already uploaded blob (root) as B" };
        var posting = new TaskPostingOptions();
        var command = new Command("matmul", "Post C = A·B: generate (or name) the inputs, upload them, escrow the fee")
        {
            n, m, k, dtype, fee, rounds, tolerance, seed, inputA, inputB,
        };
        foreach (var option in posting.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            int columns = result.GetValue(n), rows = result.GetValue(m) ?? columns, inner = result.GetValue(k) ?? columns;
            foreach (var (name, value) in new[] { ("--n", columns), ("--m", rows), ("--k", inner) })
            {
                if (value is < 1 or > (int)TaskSpec.MaxDimension)
                {
                    throw new CliException($"{name} must be between 1 and {TaskSpec.MaxDimension}");
                }
            }
            var kind = result.GetValue(dtype) == "f64" ? TaskKind.MatmulFloat64 : TaskKind.MatmulMod61;
            var type = TaskRules.ElementType(kind);
            int roundCount = result.GetValue(rounds) ?? MatmulTaskOptions.DefaultRounds(kind);
            if (roundCount is < 1 or > TaskSpec.MaxRounds)
            {
                throw new CliException($"--rounds must be between 1 and {TaskSpec.MaxRounds}");
            }
            uint tolerancePpb;
            if (kind == TaskKind.MatmulMod61)
            {
                if (result.GetValue(tolerance) is > 0)
                {
                    throw new CliException("--tolerance-ppb applies to f64 tasks only; mod61 results are checked exactly");
                }
                tolerancePpb = 0;
            }
            else
            {
                tolerancePpb = result.GetValue(tolerance) ?? MatmulTaskOptions.DefaultTolerancePpb;
                if (tolerancePpb is < 1 or > 1_000_000_000)
                {
                    throw new CliException("--tolerance-ppb must be between 1 and 1000000000");
                }
            }
            uint deadlineBlocks = posting.DeadlineBlocks(result);
            string? rootA = result.GetValue(inputA), rootB = result.GetValue(inputB);
            if ((rootA is null) != (rootB is null))
            {
                throw new CliException("give both --a and --b, or neither");
            }
            if (rootA is not null && result.GetValue(seed) is not null)
            {
                throw new CliException("--seed generates the inputs; it cannot be combined with --a and --b");
            }

            using var signer = KeysCommand.LoadKey(result.GetValue(posting.Key), result.GetValue(posting.Home)!);
            string url = result.GetValue(posting.Node)!;
            using var client = NodeClient.Connect(url);

            BlobRef a, b;
            if (rootA is not null)
            {
                a = await ExistingInputAsync(client, "--a", rootA, (uint)rows, (uint)inner, url, cancellationToken).ConfigureAwait(false);
                b = await ExistingInputAsync(client, "--b", rootB!, (uint)inner, (uint)columns, url, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                string seedText = result.GetValue(seed) ?? Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                var matrixA = Matrix.Random(rows, inner, type, InputSeed(seedText, "a"));
                var matrixB = Matrix.Random(inner, columns, type, InputSeed(seedText, "b"));
                a = await client.UploadMatrixAsync(matrixA, cancellationToken).ConfigureAwait(false);
                b = await client.UploadMatrixAsync(matrixB, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"inputs from seed '{seedText}':").ConfigureAwait(false);
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  A {rows}x{inner} {Matrix.ElementTypeName(type)}: {a.Root} ({a.Size} bytes)")).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  B {inner}x{columns} {Matrix.ElementTypeName(type)}: {b.Root} ({b.Size} bytes)")).ConfigureAwait(false);

            var spec = new TaskSpec(kind, (uint)rows, (uint)inner, (uint)columns, a, b, tolerancePpb, (byte)roundCount, 1, deadlineBlocks);
            return await posting.PostAsync(result, client, signer, spec, new Amount(result.GetValue(fee)),
                string.Create(CultureInfo.InvariantCulture, $"{spec.SoundnessBits} bits of soundness, {spec.ComputeUnits} compute units"), cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static Command Status()
    {
        var id = TaskIdArgument();
        var node = CommonOptions.Node();
        var command = new Command("status", "Print a task as JSON: spec, state, worker, result, outcome, soundness") { id, node };
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            using var client = NodeClient.Connect(result.GetValue(node)!);
            var task = await client.GetTaskAsync(result.GetValue(id), cancellationToken).ConfigureAwait(false);
            await result.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(task, PoccJson.Indented)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Result()
    {
        var id = TaskIdArgument();
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where to write the result blob (replaced if it exists)", Required = true };
        var unverified = new Option<bool>("--unverified") { Description = "Also fetch a committed result that has no verdict yet, or was rejected" };
        var node = CommonOptions.Node();
        var command = new Command("result", "Download a task's result blob, checked against the committed root") { id, output, unverified, node };
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            using var client = NodeClient.Connect(result.GetValue(node)!);
            var task = TaskView.From(await client.GetTaskAsync(result.GetValue(id), cancellationToken).ConfigureAwait(false));
            if (task.Result is not { } committed)
            {
                throw new CliException($"task {task.Id} is {task.State} and has no committed result");
            }
            if (task.State is not ("verified" or "settled") && !result.GetValue(unverified))
            {
                throw new CliException($"task {task.Id} is {task.State} (outcome {task.Outcome}); its result is not verified. Use --unverified to fetch it anyway", NotSettledExitCode);
            }
            var target = result.GetValue(output)!;
            string directory = target.DirectoryName ?? Directory.GetCurrentDirectory();
            if (!Directory.Exists(directory))
            {
                throw new CliException($"directory {directory} does not exist");
            }
            string temp = Path.Combine(directory, $".{target.Name}.{Guid.NewGuid():N}.part");
            try
            {
                var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    var blob = await client.GetBlobAsync(committed.Root, file, cancellationToken).ConfigureAwait(false);
                    if ((ulong)blob.Size != committed.Size)
                    {
                        throw new CliException($"blob {committed.Root} is {blob.Size} bytes, but the task committed {committed.Size}");
                    }
                    await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
                File.Move(temp, target.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
            await result.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"wrote {target.FullName}: the {task.ResultText} of task {task.Id} ({committed.Size} bytes, root {committed.Root}, {task.State})")).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Verify()
    {
        var id = TaskIdArgument();
        var node = CommonOptions.Node();
        var json = CommonOptions.Json();
        var command = new Command("verify",
            "Re-check a committed result here and compare with the chain's verdict: for a product fetch A, B and C (checked against their roots), derive the challenge seed from the beacon of the block after the commitment and run Freivalds; for a STARK task fetch the inputs and the result and check its proof")
        {
            id, node, json,
        };
        command.SetAction(NodeClient.Action(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            string url = result.GetValue(node)!;
            using var client = NodeClient.Connect(url);
            var task = TaskView.From(await client.GetTaskAsync(result.GetValue(id), cancellationToken).ConfigureAwait(false));
            if (task.Result is not { } committed || task.CommitHeight == 0)
            {
                throw new CliException($"task {task.Id} is {task.State} and has no committed result to verify", NotSettledExitCode);
            }
            if (task.Policy == VerificationPolicy.Stark)
            {
                return await StarkTaskCommands.VerifyAsync(client, task, committed, result.GetValue(json), output, url, cancellationToken).ConfigureAwait(false);
            }

            // The challenges depend on the beacon of the block after the one that recorded the commitment, which the
            // worker could not know when it chose its result; recompute the seed here rather than take the node's.
            var ledgerTask = task.ToLedgerTask();
            ulong seedHeight = TaskRules.ChallengeSeedHeight(ledgerTask).Value;
            var block = await client.GetBlockAsync(seedHeight, cancellationToken: cancellationToken).ConfigureAwait(false);
            var beacon = Beacon.FromProof(ParseBeaconProof(block.Header.BeaconProof, seedHeight));
            var seed = TaskRules.ChallengeSeed(beacon, ledgerTask);
            bool seedMatches = task.ChallengeSeed is not { } nodeSeed || nodeSeed == seed;

            var type = task.ElementType;
            var clock = Stopwatch.StartNew();
            var a = await client.DownloadMatrixAsync(task.InputA, type, task.Rows, task.Inner, cancellationToken).ConfigureAwait(false);
            var b = await client.DownloadMatrixAsync(task.InputB, type, task.Inner, task.Columns, cancellationToken).ConfigureAwait(false);
            Matrix? c = null;
            string? malformed = null;
            try
            {
                c = await client.DownloadMatrixAsync(committed, type, task.Rows, task.Columns, cancellationToken).ConfigureAwait(false);
            }
            catch (MatrixFormatException e)
            {
                malformed = $"{e.Code}: {e.Message}";
            }
            double downloadMs = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            FreivaldsResult? check = c is null ? null : type == MatrixElementType.Mod61
                ? FreivaldsVerifier.VerifyMod61(a, b, c, seed, task.Rounds, cancellationToken: cancellationToken)
                : FreivaldsVerifier.VerifyFloat64(a, b, c, seed, task.Rounds, task.RelativeTolerance, cancellationToken: cancellationToken);
            double verifyMs = clock.Elapsed.TotalMilliseconds;
            bool accepted = check?.Accepted ?? false;
            string localOutcome = malformed is not null ? "malformed_result" : accepted ? "verified" : "wrong_result";

            var report = new JsonObject
            {
                ["task"] = task.Id,
                ["kind"] = WireNames.Name(task.Kind),
                ["result"] = committed.Root.ToString(),
                ["commit_height"] = task.CommitHeight,
                ["seed_height"] = seedHeight,
                ["beacon"] = beacon.ToString(),
                ["challenge_seed"] = seed.ToString(),
                ["challenge_seed_matches_node"] = seedMatches,
                ["accepted"] = accepted,
                ["local_outcome"] = localOutcome,
                ["reason"] = malformed ?? check!.Reason,
                ["rounds"] = task.Rounds,
                ["soundness_bits"] = check?.SoundnessBits ?? task.SoundnessBits,
                ["soundness"] = check?.SoundnessStatement,
                ["tolerance_ppb"] = task.TolerancePpb,
                ["worst_residual_ratio"] = check?.WorstResidualRatio,
            };
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"task {task.Id}: {WireNames.Name(task.Kind)} {task.ShapeText}, result {committed.Root} committed at height {task.CommitHeight}");
            text.AppendLine(CultureInfo.InvariantCulture, $"challenge seed {seed} (from the beacon {beacon} of block {seedHeight}){(task.ChallengeSeed is null ? "" : seedMatches ? "; the node derives the same" : $"; the node says {task.ChallengeSeed}: MISMATCH")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"local check: {(malformed is not null ? "rejected: malformed result: " + malformed : check!.Reason)}");
            return await ReportVerificationAsync(output, result.GetValue(json), task, accepted, seedMatches, report, text, downloadMs, verifyMs, url).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>
    /// The end every kind of <c>task verify</c> shares: compares the local check with the chain's verdict, prints the
    /// report (the JSON with the timings and verdicts added, or the text lines followed by them and "accepted" or
    /// "rejected") and returns the exit code: 0, <see cref="NotSettledExitCode"/> for a rejection the chain has not
    /// judged yet, <see cref="DisagreementExitCode"/> when the local check and the chain disagree.
    /// </summary>
    internal static async Task<int> ReportVerificationAsync(TextWriter output, bool json, TaskView task, bool accepted, bool seedMatches,
        JsonObject report, StringBuilder text, double downloadMs, double verifyMs, string url)
    {
        bool? chainAccepted = ChainAccepted(task);
        bool agrees = seedMatches && (chainAccepted is null || chainAccepted == accepted);
        int exitCode = !agrees ? DisagreementExitCode : chainAccepted is null && !accepted ? NotSettledExitCode : 0;
        if (json)
        {
            report["download_ms"] = Math.Round(downloadMs, 3);
            report["verify_ms"] = Math.Round(verifyMs, 3);
            report["chain_state"] = task.State;
            report["chain_outcome"] = task.Outcome;
            report["agrees_with_chain"] = agrees;
            await output.WriteLineAsync(report.ToJsonString(Indented)).ConfigureAwait(false);
            return exitCode;
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"checked in {verifyMs:F1} ms after {downloadMs:F1} ms of downloads; everything was fetched from {url} and checked against its root");
        text.Append(CultureInfo.InvariantCulture, $"chain: {task.State} (outcome {task.Outcome}); ");
        text.Append(chainAccepted is null ? "no verdict yet" : agrees ? "the local check agrees" : "the local check DISAGREES");
        await output.WriteLineAsync(text.ToString()).ConfigureAwait(false);
        await output.WriteLineAsync(accepted ? "accepted" : "rejected").ConfigureAwait(false);
        return exitCode;
    }

    /// <summary>The chain's verdict: verified/settled accept; wrong/malformed results reject; anything else is no verdict.</summary>
    private static bool? ChainAccepted(TaskView task) =>
        task.State is "verified" or "settled" ? true
        : task.Outcome is "wrong_result" or "malformed_result" && task.State == "rejected" ? false
        : null;

    /// <summary>
    /// Posts the task and waits (at most <see cref="TxCommand.FinalityTimeout"/>) until the posting is finalized and the
    /// task has its id.
    /// </summary>
    internal static async Task<PostedTask> PostAsync(TransactionSubmitter submitter, TaskSpec spec, Amount fee, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TxCommand.FinalityTimeout);
        try
        {
            return await submitter.PostTaskAsync(spec, fee, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"the task's posting was not finalized within {TxCommand.FinalityTimeout.TotalSeconds:F0} s"));
        }
    }

    /// <summary>Follows the task, printing each change, until it closes or <paramref name="timeout"/> passes. 0 if settled.</summary>
    internal static async Task<int> FollowAsync(PoccClient client, ulong id, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        TaskView? last = null;
        try
        {
            var closed = await client.WaitForTaskAsync(id,
                onChange: model =>
                {
                    var task = TaskView.From(model);
                    output.WriteLine(Describe(task, last));
                    last = task;
                },
                onUnavailable: e => output.WriteLine($"{e.Message}; still waiting"),
                deadline.Token).ConfigureAwait(false);
            return closed.State == "settled" ? 0 : NotSettledExitCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"task {id} is still {last?.State ?? "unseen"} after {timeout.TotalSeconds:F0} s"));
        }
    }

    private static string Describe(TaskView task, TaskView? previous)
    {
        string soundness = task.Policy == VerificationPolicy.Stark
            ? $"its STARK proof was checked at {task.SoundnessBits} or more bits of conjectured security"
            : task.Kind == TaskKind.MatmulMod61
            ? $"{task.SoundnessBits} bits of soundness: a wrong result passes {task.Rounds} exact Freivalds round{(task.Rounds == 1 ? "" : "s")} with probability at most 2^-{task.SoundnessBits}"
            : $"{task.SoundnessBits} bits of soundness: a result off by more than {task.TolerancePpb} ppb passes {task.Rounds} Freivalds rounds with probability at most 2^-{task.SoundnessBits}";
        return task.State switch
        {
            "posted" when previous is not null && task.Attempts > 0 =>
                Invariant($"task {task.Id}: attempt {task.Attempts} ended with {task.Outcome}; back on the market"),
            "posted" => Invariant($"task {task.Id}: posted at height {task.PostedHeight}, waiting for a worker"),
            "assigned" when task.Attempts > 1 && task.Outcome is not "none" =>
                Invariant($"task {task.Id}: attempt {task.Attempts - 1} ended with {task.Outcome}; assigned to {task.Worker} at height {task.AssignedHeight} (attempt {task.Attempts}, deadline height {task.AssignedHeight + task.DeadlineBlocks})"),
            "assigned" => Invariant($"task {task.Id}: assigned to {task.Worker} at height {task.AssignedHeight} (attempt {task.Attempts}, deadline height {task.AssignedHeight + task.DeadlineBlocks})"),
            "committed" => Invariant($"task {task.Id}: result {task.Result?.Root} committed at height {task.CommitHeight}; awaiting verification"),
            "verified" => Invariant($"task {task.Id}: verified; {soundness}"),
            "settled" => Invariant($"task {task.Id}: settled at height {task.ClosedHeight}: outcome {task.Outcome} (result {task.Result?.Root}); {soundness}"),
            "rejected" => Invariant($"task {task.Id}: rejected at height {task.ClosedHeight}: outcome {task.Outcome} (result {task.Result?.Root}); the worker {task.Worker} was slashed and the fee refunded"),
            "expired" => Invariant($"task {task.Id}: expired at height {task.ClosedHeight}: outcome {task.Outcome}; the fee was refunded"),
            _ => Invariant($"task {task.Id}: {task.State} (outcome {task.Outcome})"),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static Argument<ulong> TaskIdArgument() => new("id") { Description = "The task's id" };

    /// <summary>The seed of input <paramref name="which"/> ("a" or "b") generated from the user's seed text.</summary>
    internal static Hash32 InputSeed(string seed, string which) => Blake3Hash.Of(Encoding.UTF8.GetBytes($"pocc/cli/task/{which}/{seed}"));

    /// <summary>An already uploaded input: its size from the node, checked against the matrix shape it must hold.</summary>
    private static async Task<BlobRef> ExistingInputAsync(PoccClient client, string option, string text, uint rows, uint cols, string url, CancellationToken cancellationToken)
    {
        var root = ParseRoot(text, option);
        BlobModel info;
        try
        {
            info = await client.GetBlobInfoAsync(root, cancellationToken).ConfigureAwait(false);
        }
        catch (PoccApiException e) when (e.IsNotFound && e.Code == BlobException.NotFound)
        {
            throw new CliException($"{option}: the node at {url} has no blob {root}; upload it first (pocc blob put)", CliException.NotFoundExitCode, e.Code);
        }
        ulong size = (ulong)info.Size;
        ulong expected = TaskRules.MatrixBytes(rows, cols);
        if (size != expected)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{option}: blob {root} is {size} bytes, but a {rows}x{cols} matrix blob is {expected} bytes (check --m, --k, --n)"));
        }
        return new BlobRef(root, size);
    }

    private static VrfProof ParseBeaconProof(string hex, ulong height)
    {
        try
        {
            return VrfProof.Parse(hex);
        }
        catch (FormatException)
        {
            throw new CliException($"block {height} has no valid beacon proof in the node's answer");
        }
    }

    /// <summary>A blob root given on the command line, with a clear error.</summary>
    private static Hash32 ParseRoot(string text, string option)
    {
        try
        {
            return BlobStore.ParseRoot(text);
        }
        catch (BlobException e)
        {
            throw new CliException($"{option}: {e.Code}: {e.Message}", code: e.Code);
        }
    }
}
