using Pocc.Core.Encoding;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;

namespace Pocc.Proofs.Tests.Stark;

public class StarkTests
{
    // 27 queries at blowup 8: 81 conjectured bits, just over the floor; no grinding keeps the tests fast.
    private static readonly StarkParameters Parameters = new(blowup: 8, foldingFactor: 4, queries: 27, grindingBits: 0);

    private static Goldilocks[] RandomElements(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];

    private static PermutationChainAir Chain(int logRows, int seed, bool honest = true)
    {
        Goldilocks[] input = RandomElements(new Random(seed), PermutationChainAir.Width);
        int steps = (1 << logRows) - 1;
        Goldilocks[] final = PermutationChainAir.Compute(input, steps);
        if (!honest)
        {
            final[2] += Goldilocks.One;
        }
        return new PermutationChainAir(input, steps, final);
    }

    private static MatrixRecurrenceAir Recurrence(int logRows, int seed, bool honest = true)
    {
        var random = new Random(seed);
        int d = MatrixRecurrenceAir.Dimension;
        Goldilocks[] matrix = RandomElements(random, d * d);
        Goldilocks[] offset = RandomElements(random, d);
        Goldilocks[] initial = RandomElements(random, d);
        int steps = (1 << logRows) - 1;
        Goldilocks[] final = MatrixRecurrenceAir.Compute(matrix, offset, initial, steps);
        if (!honest)
        {
            final[0] += Goldilocks.One;
        }
        return new MatrixRecurrenceAir(matrix, offset, initial, steps, final);
    }

    private static bool Verifies(IAir air, byte[] proof) => StarkVerifier.TryVerify(air, proof, out _);

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(10)]
    public void PermutationChain_proves_and_verifies(int logRows)
    {
        PermutationChainAir air = Chain(logRows, logRows);
        byte[] proof = StarkProver.Prove(air, Parameters).Encode();
        Assert.True(StarkVerifier.TryVerify(air, proof, out string? reason), reason);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(10)]
    public void MatrixRecurrence_proves_and_verifies(int logRows)
    {
        MatrixRecurrenceAir air = Recurrence(logRows, logRows);
        byte[] proof = StarkProver.Prove(air, Parameters).Encode();
        Assert.True(StarkVerifier.TryVerify(air, proof, out string? reason), reason);
    }

    [Theory]
    [InlineData(2, 8, 27, 7)]
    [InlineData(8, 2, 81, 10)]
    public void Other_folding_factors_and_blowups_verify(int foldingFactor, int blowup, int queries, int logRows)
    {
        var parameters = new StarkParameters(blowup, foldingFactor, queries, grindingBits: 2);
        MatrixRecurrenceAir air = Recurrence(logRows, 3);
        byte[] proof = StarkProver.Prove(air, parameters).Encode();
        Assert.True(StarkVerifier.TryVerify(air, proof, out string? reason), reason);
    }

    [Fact]
    public void A_proof_does_not_verify_a_different_final_state()
    {
        byte[] chainProof = StarkProver.Prove(Chain(7, 1), Parameters).Encode();
        Assert.False(Verifies(Chain(7, 1, honest: false), chainProof));
        byte[] recurrenceProof = StarkProver.Prove(Recurrence(7, 1), Parameters).Encode();
        Assert.False(Verifies(Recurrence(7, 1, honest: false), recurrenceProof));
    }

    [Fact]
    public void A_proof_does_not_verify_other_public_inputs()
    {
        PermutationChainAir chain = Chain(7, 11);
        byte[] proof = StarkProver.Prove(chain, Parameters).Encode();
        Goldilocks[] input = RandomElements(new Random(11), PermutationChainAir.Width);
        Goldilocks[] final = PermutationChainAir.Compute(input, chain.Steps);
        Assert.True(Verifies(new PermutationChainAir(input, chain.Steps, final), proof));

        // Another initial state with the same final state, one step fewer, and the true statement of one step fewer.
        Goldilocks[] otherInput = [.. input];
        otherInput[3] += Goldilocks.One;
        Assert.False(Verifies(new PermutationChainAir(otherInput, chain.Steps, final), proof));
        Assert.False(Verifies(new PermutationChainAir(input, chain.Steps - 1, final), proof));
        Assert.False(Verifies(new PermutationChainAir(input, chain.Steps - 1, PermutationChainAir.Compute(input, chain.Steps - 1)), proof));

        MatrixRecurrenceAir recurrence = Recurrence(7, 12);
        byte[] recurrenceProof = StarkProver.Prove(recurrence, Parameters).Encode();
        var random = new Random(12);
        int d = MatrixRecurrenceAir.Dimension;
        Goldilocks[] matrix = RandomElements(random, d * d), offset = RandomElements(random, d), initial = RandomElements(random, d);
        Goldilocks[] v = MatrixRecurrenceAir.Compute(matrix, offset, initial, recurrence.Steps);
        Assert.True(Verifies(new MatrixRecurrenceAir(matrix, offset, initial, recurrence.Steps, v), recurrenceProof));
        matrix[5] += Goldilocks.One;
        Assert.False(Verifies(new MatrixRecurrenceAir(matrix, offset, initial, recurrence.Steps, v), recurrenceProof));
    }

    [Fact]
    public void A_wrong_final_state_cannot_be_proved()
    {
        // The honest trace does not end in the claimed state, so a boundary quotient is no polynomial.
        PermutationChainAir air = Chain(7, 2, honest: false);
        Assert.False(Verifies(air, StarkProver.Prove(air, Parameters).Encode()));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 37)]
    [InlineData(1, 127)]
    public void A_trace_with_one_corrupted_cell_is_rejected(int column, int row)
    {
        PermutationChainAir chain = Chain(7, 4);
        Goldilocks[][] trace = chain.GenerateTrace();
        trace[column][row] += Goldilocks.One;
        Assert.False(Verifies(chain, StarkProver.Prove(chain, Parameters, trace).Encode()));

        MatrixRecurrenceAir recurrence = Recurrence(7, 4);
        trace = recurrence.GenerateTrace();
        trace[column][row] += Goldilocks.One;
        Assert.False(Verifies(recurrence, StarkProver.Prove(recurrence, Parameters, trace).Encode()));
    }

    [Fact]
    public void Flipping_any_byte_of_the_proof_is_rejected()
    {
        PermutationChainAir air = Chain(6, 5);
        byte[] proof = StarkProver.Prove(air, Parameters).Encode();
        Assert.True(Verifies(air, proof));
        var random = new Random(5);
        // Every byte of the header and OOD values, then a spread over the rows, proofs and FRI proof.
        IEnumerable<int> positions = Enumerable.Range(0, 200).Concat(Enumerable.Range(0, 150).Select(_ => random.Next(proof.Length)));
        foreach (int position in positions)
        {
            byte[] tampered = (byte[])proof.Clone();
            tampered[position] ^= (byte)(1 << random.Next(8));
            Assert.False(Verifies(air, tampered), $"a flip at byte {position} of {proof.Length} verified");
        }
        Assert.False(Verifies(air, proof[..^1]));
        Assert.False(Verifies(air, [.. proof, 0]));
    }

    [Fact]
    public void Parameters_below_the_minimum_security_are_rejected_before_proving()
    {
        var weak = new StarkParameters(blowup: 8, foldingFactor: 4, queries: 20, grindingBits: 0);
        var air = new TraceCountingAir(Chain(6, 6));
        Assert.Throws<ArgumentException>(() => StarkProver.Prove(air, weak));
        Assert.Equal(0, air.TracesGenerated);
        Assert.True(weak.ConjecturedSecurityBits(air.TraceLength) < StarkParameters.MinimumSecurityBits);
    }

    [Fact]
    public void A_proof_whose_header_states_weak_parameters_is_rejected_before_it_is_decoded()
    {
        PermutationChainAir air = Chain(6, 6);
        byte[] proof = StarkProver.Prove(air, Parameters).Encode();
        Assert.Equal(Parameters, StarkProof.ReadParameters(proof));
        byte[] weak = (byte[])proof.Clone();
        weak[3] = 20; // queries: 60 bits
        var error = Assert.Throws<StarkRejectedException>(() => StarkVerifier.Verify(air, weak));
        Assert.Contains("60 bits of conjectured security", error.Message);
        // The honest proof clears the floor but not a stricter requirement stated by the caller.
        error = Assert.Throws<StarkRejectedException>(() => StarkVerifier.Verify(air, proof, minimumSecurityBits: 96));
        Assert.Contains("96 required", error.Message);
    }

    [Theory]
    [InlineData(1, 4)] // log2 blowup 8 → 16: still secure, but not the parameters the proof was made with
    [InlineData(2, 8)] // folding factor 4 → 8
    [InlineData(3, 28)] // one more query
    [InlineData(4, 1)] // one grinding bit
    public void A_proof_whose_header_states_other_parameters_is_rejected(int offset, byte value)
    {
        PermutationChainAir air = Chain(6, 9);
        byte[] proof = StarkProver.Prove(air, Parameters).Encode();
        proof[offset] = value;
        Assert.False(StarkVerifier.TryVerify(air, proof, out string? reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { StarkProof.Version })]
    [InlineData(new byte[] { 1, 3, 4, 27, 0 })] // an older version
    [InlineData(new byte[] { StarkProof.Version, 3, 3, 27, 0 })] // folding factor 3
    [InlineData(new byte[] { StarkProof.Version, 9, 4, 27, 0 })] // blowup 512
    [InlineData(new byte[] { StarkProof.Version, 3, 4, 0, 0 })] // no queries
    [InlineData(new byte[] { StarkProof.Version, 3, 4, 27, 33 })] // 33 grinding bits
    public void A_malformed_header_is_a_codec_error(byte[] header)
    {
        Assert.Throws<CodecException>(() => StarkProof.ReadParameters(header));
        var error = Assert.Throws<StarkRejectedException>(() => StarkVerifier.Verify(Chain(6, 1), header));
        Assert.StartsWith("malformed proof", error.Message);
    }

    [Fact]
    public void A_blowup_too_small_for_the_constraint_degree_is_rejected()
    {
        var parameters = new StarkParameters(blowup: 4, foldingFactor: 4, queries: 80, grindingBits: 0);
        Assert.Throws<ArgumentException>(() => StarkProver.Prove(Chain(6, 7), parameters));
    }

    [Fact]
    public void Encoding_round_trips_and_is_bounded()
    {
        MatrixRecurrenceAir air = Recurrence(8, 8);
        byte[] encoded = StarkProver.Prove(air, Parameters).Encode();
        StarkProof decoded = StarkProof.Decode(encoded, air);
        Assert.Equal(encoded, decoded.Encode());
        Assert.True(encoded.Length <= StarkProof.MaxEncodedSize(Parameters, air));
        StarkVerifier.Verify(air, decoded);
        Assert.Throws<CodecException>(() => StarkProof.Decode([.. encoded, 0], air));
        Assert.Throws<CodecException>(() => StarkProof.Decode(encoded.AsSpan(..^1), air));
        byte[] oversized = new byte[StarkProof.MaxEncodedSize(Parameters, air) + 1];
        encoded.AsSpan(0, StarkProof.HeaderLength).CopyTo(oversized);
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => StarkProof.Decode(oversized, air)).Code);
    }

    [Fact]
    public void A_proof_does_not_verify_for_an_AIR_of_another_name()
    {
        PermutationChainAir air = Chain(6, 10);
        byte[] proof = StarkProver.Prove(air, Parameters).Encode();
        Assert.True(Verifies(new TraceCountingAir(air), proof));
        Assert.False(Verifies(new TraceCountingAir(air, "pocc/permutation-chain/v2"), proof));
    }

    /// <summary>
    /// An AIR that counts its trace generations, to show a rejection came before any proving work; optionally under
    /// another name, with the same constraints and public inputs.
    /// </summary>
    private sealed class TraceCountingAir(IAir inner, string? name = null) : IAir
    {
        public int TracesGenerated { get; private set; }

        public string Name => name ?? inner.Name;

        public int TraceWidth => inner.TraceWidth;

        public int TraceLength => inner.TraceLength;

        public IReadOnlyList<int> TransitionDegrees => inner.TransitionDegrees;

        public IReadOnlyList<Goldilocks[]> PeriodicColumns => inner.PeriodicColumns;

        public IReadOnlyList<BoundaryConstraint> BoundaryConstraints => inner.BoundaryConstraints;

        public byte[] EncodePublicInputs() => inner.EncodePublicInputs();

        public void EvaluateTransition<T>(ReadOnlySpan<T> current, ReadOnlySpan<T> next, ReadOnlySpan<T> periodic, Span<T> result)
            where T : unmanaged, IFieldElement<T> => inner.EvaluateTransition(current, next, periodic, result);

        public Goldilocks[][] GenerateTrace()
        {
            TracesGenerated++;
            return inner.GenerateTrace();
        }
    }
}
