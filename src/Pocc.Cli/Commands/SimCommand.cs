using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pocc.Cli.Common;
using Pocc.Simulation;

namespace Pocc.Cli.Commands;

/// <summary><c>pocc sim</c>: runs the deterministic simulator over many seeds, or replays one.</summary>
public static class SimCommand
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var seeds = new Option<int>("--seeds") { Description = "How many seeds to run (seeds 1..N)", DefaultValueFactory = _ => 100 };
        var validators = new Option<string>("--validators") { Description = "Validators per run: a number, or a range like 4-7 that the seeds cycle through", DefaultValueFactory = _ => "4" };
        var byzantine = new Option<string>("--byzantine") { Description = "Byzantine validators per run: a number, or 'max' for ⌊(n−1)/3⌋", DefaultValueFactory = _ => "max" };
        var seed = new Option<int?>("--seed") { Description = "Run only this seed and print its trace, to replay a failure" };
        var noEquivocation = new Option<bool>("--no-equivocation") { Description = "Byzantine validators withhold votes and propose invalid blocks but never sign conflicting votes" };
        var heights = new Option<ulong>("--heights") { Description = "Height every honest validator must reach after GST", DefaultValueFactory = _ => 4 };
        var command = new Command("sim", "Deterministic simulation of BFT consensus on real ledgers: faulty network, crashes, Byzantine validators; checks agreement, validity, state roots, supply and liveness")
        {
            seeds, validators, byzantine, seed, heights, noEquivocation, json,
        };
        command.SetAction(result =>
        {
            var (min, max) = ParseValidators(result.GetValue(validators)!);
            int? byzantineCount = ParseByzantine(result.GetValue(byzantine)!, min);
            ulong target = result.GetValue(heights);
            if (target is < 1 or > 1_000)
            {
                throw new CliException("--heights must be 1-1000");
            }
            if (result.GetValue(seed) is { } one)
            {
                return Replay(SimulationBatch.OptionsFor(one, min, max, byzantineCount, target, !result.GetValue(noEquivocation)) with { Trace = true }, result.GetValue(json));
            }
            int count = result.GetValue(seeds);
            if (count is < 1 or > 1_000_000)
            {
                throw new CliException("--seeds must be 1-1000000");
            }
            var summary = SimulationBatch.Run(count, min, max, byzantineCount, target, equivocate: !result.GetValue(noEquivocation));
            Print(summary, min, max, result.GetValue(json));
            return summary.Violations.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static (int Min, int Max) ParseValidators(string text)
    {
        var parts = text.Split('-');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new CliException($"--validators must be a number or a range like 4-7, not '{text}'");
        }
        int min = int.Parse(parts[0], CultureInfo.InvariantCulture);
        int max = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        if (min < 1 || max > Simulation.Simulation.MaxValidators || min > max)
        {
            throw new CliException($"--validators must be between 1 and {Simulation.Simulation.MaxValidators}, the range low to high");
        }
        return (min, max);
    }

    private static int? ParseByzantine(string text, int minValidators)
    {
        if (text == "max")
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count > minValidators)
        {
            throw new CliException($"--byzantine must be 'max' or a number no larger than the validator count, not '{text}'");
        }
        return count;
    }

    private static int Replay(SimulationOptions options, bool json)
    {
        var run = Simulation.Simulation.Run(options);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(ToJson(run), IndentedJson));
        }
        else
        {
            foreach (var line in run.Trace)
            {
                Console.WriteLine(line);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"seed {run.Seed}: {run.Validators} validators ({run.Byzantine} byzantine), heights {run.MinHeight}-{run.MaxHeight}, max round {run.MaxRound}, evidence {run.Evidence}, crashes {run.Crashes}, junk {run.Junk}, {run.Steps} steps, {run.VirtualTimeMs} virtual ms, trace {run.TraceHash}"));
            PrintViolations(run.Violations);
        }
        return run.Violations.Count == 0 ? 0 : 1;
    }

    private static void Print(BatchSummary summary, int min, int max, bool json)
    {
        if (json)
        {
            var violations = new JsonArray([.. summary.Violations.Select(v => (JsonNode)new JsonObject
            {
                ["seed"] = v.Seed,
                ["validators"] = v.Validators,
                ["kind"] = v.Kind,
                ["detail"] = v.Detail,
                ["step"] = v.Step,
                ["virtual_time_ms"] = v.VirtualTimeMs,
            })]);
            var output = new JsonObject
            {
                ["seeds"] = summary.Seeds,
                ["validators"] = min == max ? $"{min}" : $"{min}-{max}",
                ["min_height"] = summary.MinHeight,
                ["max_height"] = summary.MaxHeight,
                ["max_round"] = summary.MaxRound,
                ["evidence"] = summary.Evidence,
                ["crashes"] = summary.Crashes,
                ["junk"] = summary.Junk,
                ["violations"] = violations,
            };
            Console.WriteLine(output.ToJsonString(IndentedJson));
            return;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            seeds run        {summary.Seeds} ({(min == max ? $"{min}" : $"{min}-{max}")} validators)
            heights reached  {summary.MinHeight} min, {summary.MaxHeight} max
            max round        {summary.MaxRound}
            evidence         {summary.Evidence}
            crashes          {summary.Crashes}
            junk messages    {summary.Junk}
            violations       {summary.Violations.Count}
            """));
        PrintViolations(summary.Violations);
    }

    private static JsonObject ToJson(SimulationResult run) => new()
    {
        ["seed"] = run.Seed,
        ["validators"] = run.Validators,
        ["byzantine"] = run.Byzantine,
        ["min_height"] = run.MinHeight,
        ["max_height"] = run.MaxHeight,
        ["max_round"] = run.MaxRound,
        ["evidence"] = run.Evidence,
        ["crashes"] = run.Crashes,
        ["junk"] = run.Junk,
        ["steps"] = run.Steps,
        ["virtual_time_ms"] = run.VirtualTimeMs,
        ["trace_hash"] = run.TraceHash,
        ["violations"] = new JsonArray([.. run.Violations.Select(v => (JsonNode)new JsonObject { ["kind"] = v.Kind, ["detail"] = v.Detail, ["step"] = v.Step })]),
        ["trace"] = new JsonArray([.. run.Trace.Select(line => (JsonNode)JsonValue.Create(line))]),
    };

    private static void PrintViolations(IReadOnlyList<Violation> violations)
    {
        foreach (var v in violations)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VIOLATION seed {v.Seed} ({v.Validators} validators) step {v.Step} at {v.VirtualTimeMs} ms: {v.Kind}: {v.Detail}"));
        }
    }
}
