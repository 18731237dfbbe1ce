using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pocc.Cli.Common;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Node.Api;

namespace Pocc.Cli.Workers;

/// <summary>
/// A task as the node's <c>GET /v1/tasks/{id}</c> describes it, parsed into ledger types. The parse checks every field
/// it uses, so a node answering something unexpected gives one clear error instead of a null reference later.
/// </summary>
public sealed record TaskView(
    ulong Id,
    string Requester,
    TaskKind Kind,
    uint Rows,
    uint Inner,
    uint Columns,
    BlobRef InputA,
    BlobRef InputB,
    uint TolerancePpb,
    byte Rounds,
    uint DeadlineBlocks,
    string Fee,
    string State,
    string Outcome,
    ulong PostedHeight,
    string? Worker,
    ulong AssignedHeight,
    byte Attempts,
    BlobRef? Result,
    ulong CommitHeight,
    ulong ClosedHeight,
    int SoundnessBits,
    Hash32? ChallengeSeed)
{
    /// <summary>The element type of the task's matrices.</summary>
    public MatrixElementType ElementType => TaskRules.ElementType(Kind);

    /// <summary>"f64" or "mod61".</summary>
    public string Dtype => Matrix.ElementTypeName(ElementType);

    /// <summary>"m×k×n", the shape of the product as logs print it.</summary>
    public string ShapeText => string.Create(CultureInfo.InvariantCulture, $"{Rows}x{Inner}x{Columns}");

    /// <summary>The relative tolerance of a float64 check (parts per billion / 10^9); 0 for exact tasks.</summary>
    public double RelativeTolerance => TolerancePpb / 1e9;

    /// <summary>True once the task can change no more: settled, rejected or expired.</summary>
    public bool IsClosed => State is "settled" or "rejected" or "expired";

    /// <summary>
    /// The task as a ledger record, with the fields that the challenge derivation reads (id and committed result)
    /// exactly as on chain; the rest are filled from the view where the view has them.
    /// </summary>
    public ComputeTask ToLedgerTask()
    {
        var spec = new TaskSpec(Kind, Rows, Inner, Columns, InputA, InputB, TolerancePpb, Rounds, 1, DeadlineBlocks);
        return new ComputeTask(Id, Address.Zero, spec, Amount.Zero, TaskState.Committed, new Height(PostedHeight), Address.Zero,
            new Height(AssignedHeight), Attempts, Result ?? default, new Height(CommitHeight), TaskOutcome.None, new Height(ClosedHeight));
    }


    public static TaskView Parse(JsonObject json)
    {
        try
        {
            string kind = Text(json, "kind");
            return new TaskView(
                U64(json, "id"),
                Text(json, "requester"),
                ApiMapping.TryParseKind(kind, out var parsed) ? parsed : throw new FormatException($"unknown task kind '{kind}'"),
                checked((uint)U64(json, "rows")),
                checked((uint)U64(json, "inner")),
                checked((uint)U64(json, "columns")),
                Blob(json, "input_a") ?? throw new FormatException("input_a is missing"),
                Blob(json, "input_b") ?? throw new FormatException("input_b is missing"),
                checked((uint)U64(json, "tolerance_ppb")),
                checked((byte)U64(json, "rounds")),
                checked((uint)U64(json, "deadline_blocks")),
                Text(json, "fee"),
                Text(json, "state"),
                Text(json, "outcome"),
                U64(json, "posted_height"),
                json["worker"]?.GetValue<string>(),
                U64(json, "assigned_height"),
                checked((byte)U64(json, "attempts")),
                Blob(json, "result"),
                U64(json, "commit_height"),
                U64(json, "closed_height"),
                checked((int)U64(json, "soundness_bits")),
                json["challenge_seed"]?.GetValue<string>() is { } seed ? Hash32.Parse(seed) : null);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException or JsonException or ArgumentException)
        {
            throw new CliException($"the node described a task in an unexpected way ({e.Message}): {json.ToJsonString()}");
        }
    }

    internal static ulong U64(JsonObject json, string name)
    {
        var node = json[name] ?? throw new FormatException($"{name} is missing");
        // Numbers normally; decimal strings are accepted too, since amounts are sent that way.
        return node.GetValueKind() == JsonValueKind.String
            ? ulong.Parse(node.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture)
            : node.GetValue<ulong>();
    }

    private static string Text(JsonObject json, string name) =>
        json[name]?.GetValue<string>() ?? throw new FormatException($"{name} is missing");

    private static BlobRef? Blob(JsonObject json, string name)
    {
        if (json[name] is not JsonObject blob)
        {
            return null;
        }
        return new BlobRef(Hash32.Parse(Text(blob, "root")), U64(blob, "size"));
    }
}
