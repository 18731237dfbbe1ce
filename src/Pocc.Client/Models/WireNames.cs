using Pocc.Ledger.Tasks;

namespace Pocc.Client.Models;

/// <summary>The names the API gives the ledger's task kinds, states and outcomes: the one place they are written.</summary>
public static class WireNames
{
    private static readonly (TaskKind Kind, string Name)[] KindNames =
    [
        (TaskKind.MatmulFloat64, "matmul_f64"),
        (TaskKind.MatmulMod61, "matmul_mod61"),
        (TaskKind.StarkPermutationChain, "stark_permutation_chain"),
        (TaskKind.StarkMatrixRecurrence, "stark_matrix_recurrence"),
    ];

    /// <summary>Every task kind with its wire name.</summary>
    public static IReadOnlyList<(TaskKind Kind, string Name)> Kinds => KindNames;

    /// <summary>A task kind's wire name (e.g. <c>matmul_mod61</c>); "unknown" for a kind without one.</summary>
    public static string Name(TaskKind kind)
    {
        foreach (var (known, name) in KindNames)
        {
            if (known == kind)
            {
                return name;
            }
        }
        return "unknown";
    }

    /// <summary>A verification policy's wire name: <c>freivalds</c> or <c>stark</c>.</summary>
    public static string Name(VerificationPolicy policy) => policy switch
    {
        VerificationPolicy.Freivalds => "freivalds",
        VerificationPolicy.Stark => "stark",
        _ => "unknown",
    };

    /// <summary>The task kind named <paramref name="name"/>, if it names one.</summary>
    public static bool TryParseKind(string name, out TaskKind kind)
    {
        foreach (var (known, knownName) in KindNames)
        {
            if (knownName == name)
            {
                kind = known;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>A task state's wire name: its name in lower case (e.g. <c>settled</c>).</summary>
    public static string Name(TaskState state) => state.ToString().ToLowerInvariant();

    /// <summary>The task state named <paramref name="text"/> (any case; not a number), if it names one.</summary>
    public static bool TryParseState(string text, out TaskState state) =>
        Enum.TryParse(text, ignoreCase: true, out state) && Enum.IsDefined(state) && !char.IsDigit(text[0]);

    /// <summary>True for the states a task never leaves: settled, rejected, expired.</summary>
    public static bool IsClosed(string state) => state is "settled" or "rejected" or "expired";

    /// <summary>A task outcome's wire name (e.g. <c>wrong_result</c>).</summary>
    public static string Name(TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.None => "none",
        TaskOutcome.Verified => "verified",
        TaskOutcome.WrongResult => "wrong_result",
        TaskOutcome.MalformedResult => "malformed_result",
        TaskOutcome.ResultUnavailable => "result_unavailable",
        TaskOutcome.DeadlineMissed => "deadline_missed",
        TaskOutcome.Refunded => "refunded",
        TaskOutcome.Unverified => "unverified",
        _ => "unknown",
    };
}
