namespace Pocc.Proofs.Stark.Air;

/// <summary>The assertion trace[<paramref name="Column"/>][<paramref name="Row"/>] = <paramref name="Value"/>.</summary>
public readonly record struct BoundaryConstraint(int Column, int Row, Goldilocks Value);
