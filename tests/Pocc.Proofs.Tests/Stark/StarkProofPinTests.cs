using Pocc.Core.Hashing;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;

namespace Pocc.Proofs.Tests.Stark;

/// <summary>
/// The exact bytes of a few proofs, pinned by their BLAKE3: the prover is deterministic, so a change that only makes it
/// faster (parallel loops, fewer copies, reordered exact field arithmetic) must leave every proof byte as it was.
/// </summary>
public class StarkProofPinTests
{
    [Theory]
    [InlineData(7, "b5720414464fe1e599935e631e690d3e8b0d8a1f3ec306036b8b05941e4ec555")]
    [InlineData(12, "84d4249f324a5c0572b688364e14ab5b82728060e025729a9121ed611c24b88f")]
    public void Permutation_chain_proof_bytes_do_not_change(int logRows, string expected)
    {
        var random = new Random(logRows);
        Goldilocks[] input = [.. Enumerable.Range(0, PermutationChainAir.Width).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
        int steps = (1 << logRows) - 1;
        var air = new PermutationChainAir(input, steps, PermutationChainAir.Compute(input, steps));

        Assert.Equal(expected, Blake3Hash.Of(StarkProver.Prove(air, StarkParameters.ForSecurity(96)).Encode()).ToString());
    }

    [Theory]
    [InlineData(7, "3ec5cc12813c42a8b2e88ba043e36600a701e52ca2b715c43c7a68d02b0c4ee4")]
    [InlineData(12, "2bf76c1eca8019f95185dcf533d68d0e6937a2cf6518dadac9921badb47086ed")]
    public void Matrix_recurrence_proof_bytes_do_not_change(int logRows, string expected)
    {
        var random = new Random(logRows);
        int d = MatrixRecurrenceAir.Dimension;
        Goldilocks[] matrix = [.. Enumerable.Range(0, d * d).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
        Goldilocks[] offset = [.. Enumerable.Range(0, d).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
        Goldilocks[] initial = [.. Enumerable.Range(0, d).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
        int steps = (1 << logRows) - 1;
        var air = new MatrixRecurrenceAir(matrix, offset, initial, steps, MatrixRecurrenceAir.Compute(matrix, offset, initial, steps));

        Assert.Equal(expected, Blake3Hash.Of(StarkProver.Prove(air, StarkParameters.ForSecurity(96)).Encode()).ToString());
    }
}
