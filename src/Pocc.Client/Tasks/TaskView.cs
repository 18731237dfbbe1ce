using System.Globalization;
using Pocc.Client.Models;
using Pocc.Core.Addressing;
using Pocc.Core.Hashing;
using Pocc.Core.Matrices;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;

namespace Pocc.Client.Tasks;

/// <summary>
/// A <see cref="TaskModel"/> (the API's wire shape) parsed into ledger types: its kind, blob references and challenge
/// seed. <see cref="From"/> checks every field it converts, so a node answering something unexpected gives one clear
/// error instead of a failure later.
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

    /// <summary>How validators check the task's result.</summary>
    public VerificationPolicy Policy => TaskKinds.Policy(Kind);

    /// <summary>"f64" or "mod61" for a product; a STARK task's kind name (e.g. <c>stark_permutation_chain</c>).</summary>
    public string Dtype => Policy == VerificationPolicy.Stark ? WireNames.Name(Kind) : Matrix.ElementTypeName(ElementType);

    /// <summary>"m×k×n", the shape of the product as logs print it; "N steps" for a STARK task.</summary>
    public string ShapeText => Policy == VerificationPolicy.Stark
        ? string.Create(CultureInfo.InvariantCulture, $"{Rows} steps")
        : string.Create(CultureInfo.InvariantCulture, $"{Rows}x{Inner}x{Columns}");

    /// <summary>What the result blob holds, as messages name it: "2x4 mod61 result", "STARK result (outputs and proof)".</summary>
    public string ResultText => Policy == VerificationPolicy.Stark
        ? "STARK result (outputs and proof)"
        : string.Create(CultureInfo.InvariantCulture, $"{Rows}x{Columns} {Dtype} result");

    /// <summary>The relative tolerance of a float64 check (parts per billion / 10^9); 0 for exact tasks.</summary>
    public double RelativeTolerance => TolerancePpb / 1e9;

    /// <summary>True once the task can change no more: settled, rejected or expired.</summary>
    public bool IsClosed => WireNames.IsClosed(State);

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

    /// <summary>Parses <paramref name="task"/>; throws <see cref="PoccClientException"/> if a field cannot be what it must.</summary>
    public static TaskView From(TaskModel task)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return new TaskView(
                task.Id,
                task.Requester,
                WireNames.TryParseKind(task.Kind, out var kind) ? kind : throw new FormatException($"unknown task kind '{task.Kind}'"),
                task.Rows,
                task.Inner,
                task.Columns,
                Blob(task.InputA),
                Blob(task.InputB),
                task.TolerancePpb,
                task.Rounds,
                task.DeadlineBlocks,
                task.Fee,
                task.State,
                task.Outcome,
                task.PostedHeight,
                task.Worker,
                task.AssignedHeight,
                task.Attempts,
                task.Result is { } result ? Blob(result) : null,
                task.CommitHeight,
                task.ClosedHeight,
                task.SoundnessBits,
                task.ChallengeSeed is { } seed ? Hash32.Parse(seed) : null);
        }
        catch (FormatException e)
        {
            throw new PoccClientException($"the node described task {task.Id} in an unexpected way ({e.Message})", e);
        }
    }

    private static BlobRef Blob(BlobRefModel blob) => new(Hash32.Parse(blob.Root), blob.Size);
}
