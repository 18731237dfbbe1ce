namespace Pocc.Simulation;

/// <summary>The names of the invariants, as violations report them.</summary>
public static class InvariantKinds
{
    public const string Agreement = "agreement";
    public const string Validity = "validity";
    public const string StateRoot = "state-root";
    public const string Supply = "supply";
    public const string Liveness = "liveness";

    /// <summary>A validator's consensus code threw while handling an event (it would stop a node's engine).</summary>
    public const string Exception = "exception";
}
