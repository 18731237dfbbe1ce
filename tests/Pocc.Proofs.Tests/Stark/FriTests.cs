using Pocc.Core.Encoding;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Fri;

namespace Pocc.Proofs.Tests.Stark;

public class FriTests
{
    private const string Seed = "pocc/test/fri/v1";

    private static readonly Goldilocks Shift = Goldilocks.Generator;

    /// <summary>The values on Shift·⟨ω_N⟩ of a random polynomial with <paramref name="coefficientCount"/> extension coefficients.</summary>
    private static GoldilocksExt2[] LowDegree(int logN, int coefficientCount, int seed)
    {
        var random = new Random(seed);
        Goldilocks[] Random() => [.. Enumerable.Range(0, coefficientCount).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
        Goldilocks[] c0 = Ntt.EvaluateOnCoset(Random(), 1 << logN, Shift);
        Goldilocks[] c1 = Ntt.EvaluateOnCoset(Random(), 1 << logN, Shift);
        return [.. c0.Zip(c1, (a, b) => new GoldilocksExt2(a, b))];
    }

    private static FriProof Prove(FriParameters parameters, GoldilocksExt2[] evaluations, string seed = Seed) =>
        FriProver.Prove(parameters, evaluations, Shift, new Transcript(seed));

    private static bool Verifies(FriParameters parameters, int logN, FriProof proof, string seed = Seed) =>
        FriVerifier.TryVerify(parameters, logN, Shift, proof, new Transcript(seed), out _);

    [Theory]
    [InlineData(8, 2, 2, 32, 0, 0)]
    [InlineData(8, 4, 8, 16, 0, 2)]
    [InlineData(10, 4, 4, 20, 7, 0)]
    [InlineData(11, 16, 4, 10, 0, 0)]
    [InlineData(12, 8, 8, 16, 3, 4)]
    [InlineData(13, 4, 2, 24, 31, 0)]
    [InlineData(14, 2, 8, 40, 15, 0)]
    [InlineData(14, 4, 4, 30, 0, 6)]
    public void An_honest_proof_verifies(int logN, int blowup, int foldingFactor, int queries, int maxRemainderDegree, int grindingBits)
    {
        var parameters = new FriParameters(blowup, foldingFactor, queries, grindingBits, maxRemainderDegree);
        GoldilocksExt2[] evaluations = LowDegree(logN, parameters.DegreeBound(logN), logN);
        FriProof proof = Prove(parameters, evaluations);
        Assert.Equal(parameters.LayerCount(logN), proof.LayerRoots.Count);
        Assert.True(proof.Remainder.Count <= maxRemainderDegree + 1);
        FriVerifier.Verify(parameters, logN, Shift, proof, new Transcript(Seed));
        // What the verifier sees is the encoding.
        FriVerifier.Verify(parameters, logN, Shift, FriProof.Decode(proof.Encode(), parameters, logN), new Transcript(Seed));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void Folding_gives_the_alpha_combination_of_the_k_parts(int k)
    {
        // f(X) = Σ_i X^i f_i(X^k) with f_i's coefficients c[i + k·j]; the fold is Σ_i α^i f_i on the coset s^k·⟨ω_{n/k}⟩.
        const int LogN = 7;
        var random = new Random(k);
        GoldilocksExt2 Next() => new(Goldilocks.FromUInt64((ulong)random.NextInt64()), Goldilocks.FromUInt64((ulong)random.NextInt64()));
        GoldilocksExt2[] coefficients = [.. Enumerable.Range(0, 1 << (LogN - 1)).Select(_ => Next())];
        GoldilocksExt2 alpha = Next();
        Goldilocks[] points = [.. Enumerable.Range(0, 1 << LogN).Select(i => Shift * Goldilocks.RootOfUnity(LogN).Pow((ulong)i))];
        GoldilocksExt2[] values = [.. points.Select(x => FriFolding.Evaluate(coefficients, x))];

        GoldilocksExt2[] folded = FriFolding.Fold(values, k, Shift, alpha);

        var expectedCoefficients = new GoldilocksExt2[coefficients.Length / k];
        for (int j = 0; j < expectedCoefficients.Length; j++)
        {
            GoldilocksExt2 power = GoldilocksExt2.One;
            for (int i = 0; i < k; i++)
            {
                expectedCoefficients[j] += power * coefficients[i + k * j];
                power *= alpha;
            }
        }
        Assert.Equal(values.Length / k, folded.Length);
        for (int j = 0; j < folded.Length; j++)
        {
            Assert.Equal(FriFolding.Evaluate(expectedCoefficients, points[j].Pow((ulong)k)), folded[j]);
        }
    }

    [Fact]
    public void A_polynomial_of_lower_degree_verifies_too()
    {
        var parameters = new FriParameters(4, 4, 16, 0, 3);
        Assert.True(Verifies(parameters, 10, Prove(parameters, LowDegree(10, 5, 1))));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(4, 4)]
    [InlineData(8, 8)]
    public void Random_evaluations_are_rejected(int blowup, int foldingFactor)
    {
        var parameters = new FriParameters(blowup, foldingFactor, 32, 0, 0);
        var random = new Random(blowup);
        GoldilocksExt2[] evaluations = [.. Enumerable.Range(0, 1 << 10).Select(_ =>
            new GoldilocksExt2(Goldilocks.FromUInt64((ulong)random.NextInt64()), Goldilocks.FromUInt64((ulong)random.NextInt64())))];
        Assert.False(Verifies(parameters, 10, Prove(parameters, evaluations)));
    }

    [Theory]
    [InlineData(4, 2, 0)]
    [InlineData(4, 4, 7)]
    [InlineData(8, 8, 0)]
    public void A_polynomial_of_twice_the_degree_bound_is_rejected(int blowup, int foldingFactor, int maxRemainderDegree)
    {
        // Close to nothing of degree < d: each query passes with probability about 2/blowup at best.
        var parameters = new FriParameters(blowup, foldingFactor, 48, 0, maxRemainderDegree);
        const int LogN = 12;
        GoldilocksExt2[] evaluations = LowDegree(LogN, 2 * parameters.DegreeBound(LogN), 7);
        Assert.False(Verifies(parameters, LogN, Prove(parameters, evaluations)));
    }

    [Fact]
    public void A_polynomial_one_degree_too_high_is_rejected()
    {
        var parameters = new FriParameters(4, 2, 48, 0, 0);
        Assert.False(Verifies(parameters, 11, Prove(parameters, LowDegree(11, parameters.DegreeBound(11) + 1, 3))));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_prover_that_swaps_in_a_low_degree_layer_is_caught_between_layers(int k)
    {
        // Layer 0 is random; layer 1 is not its fold but a genuine low-degree function, so every later check passes
        // and only the consistency between layers 0 and 1 can catch it.
        var parameters = new FriParameters(4, k, 32, 0, 0);
        const int LogN = 12;
        var transcript = new Transcript(Seed);
        FriProver.AbsorbStatement(transcript, parameters, LogN, Shift);
        var random = new Random(k);
        GoldilocksExt2[] layer = [.. Enumerable.Range(0, 1 << LogN).Select(_ =>
            new GoldilocksExt2(Goldilocks.FromUInt64((ulong)random.NextInt64()), Goldilocks.FromUInt64((ulong)random.NextInt64())))];
        int layerCount = parameters.LayerCount(LogN);
        var layers = new List<GoldilocksExt2[]>();
        var commitments = new List<RowCommitment>();
        Goldilocks shift = Shift;
        for (int l = 0; l < layerCount; l++)
        {
            layers.Add(layer);
            int m = layer.Length / k;
            commitments.Add(RowCommitment.Commit([.. Enumerable.Range(0, k).Select(t => layer[(t * m)..((t + 1) * m)])]));
            transcript.AbsorbRoot(FriProver.LayerLabel, commitments[l].Root);
            GoldilocksExt2 alpha = transcript.DrawExtField(FriProver.AlphaLabel);
            Goldilocks nextShift = shift.Pow((ulong)k);
            layer = l == 0
                ? Enumerable.Repeat(new GoldilocksExt2(Goldilocks.One, Goldilocks.One), m).ToArray()
                : FriFolding.Fold(layer, k, shift, alpha);
            shift = nextShift;
        }
        // The swapped-in layer 1 is the constant 1 + u, so every later fold and the remainder are that constant.
        GoldilocksExt2[] remainder = [new GoldilocksExt2(Goldilocks.One, Goldilocks.One)];
        transcript.AbsorbField(FriProver.RemainderLabel, remainder);
        ulong nonce = transcript.Grind(0);
        int[] positions = transcript.DrawQueries(FriProver.QueryLabel, parameters.Queries, LogN - parameters.LogFoldingFactor);
        FriLayerOpening[] openings = [.. Enumerable.Range(0, layerCount).Select(l =>
        {
            int[] rows = FriProver.RowsAt(positions, layers[l].Length / k);
            return new FriLayerOpening([.. rows.Select(j => FriFolding.Row(layers[l], k, j))], commitments[l].Open(rows));
        })];
        var proof = new FriProof([.. commitments.Select(c => c.Root)], openings, remainder, nonce);

        Assert.False(FriVerifier.TryVerify(parameters, LogN, Shift, proof, new Transcript(Seed), out string? reason));
        Assert.Contains("does not hold the fold of layer 0", reason);
    }

    [Fact]
    public void A_different_transcript_seed_is_rejected()
    {
        var parameters = new FriParameters(4, 4, 24, 0, 0);
        FriProof proof = Prove(parameters, LowDegree(10, parameters.DegreeBound(10), 2));
        Assert.True(Verifies(parameters, 10, proof));
        Assert.False(Verifies(parameters, 10, proof, seed: Seed + "/other"));
        var statement = new Transcript(Seed);
        statement.Absorb("public input", [1, 2, 3]);
        Assert.False(FriVerifier.TryVerify(parameters, 10, Shift, proof, statement, out string? reason));
        Assert.NotNull(reason);
    }

    [Fact]
    public void A_different_shift_or_parameter_set_is_rejected()
    {
        var parameters = new FriParameters(4, 4, 24, 0, 0);
        FriProof proof = Prove(parameters, LowDegree(10, parameters.DegreeBound(10), 2));
        Assert.False(FriVerifier.TryVerify(parameters, 10, Shift.Square(), proof, new Transcript(Seed), out _));
        var fewerQueries = new FriParameters(4, 4, 23, 0, 0);
        Assert.False(Verifies(fewerQueries, 10, proof));
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(4, 3)]
    [InlineData(8, 8)]
    public void Flipping_any_byte_of_the_encoding_is_caught(int foldingFactor, int grindingBits)
    {
        var parameters = new FriParameters(4, foldingFactor, 12, grindingBits, 3);
        const int LogN = 10;
        byte[] encoded = Prove(parameters, LowDegree(LogN, parameters.DegreeBound(LogN), 5)).Encode();
        var random = new Random(foldingFactor);
        // Every position of the short header and trailer, and a sample of the rest.
        IEnumerable<int> positions = Enumerable.Range(0, 80).Concat(Enumerable.Range(encoded.Length - 80, 80))
            .Concat(Enumerable.Range(0, 300).Select(_ => random.Next(encoded.Length)));
        foreach (int position in positions.Distinct())
        {
            byte[] tampered = (byte[])encoded.Clone();
            tampered[position] ^= (byte)random.Next(1, 256);
            bool accepted;
            try
            {
                accepted = Verifies(parameters, LogN, FriProof.Decode(tampered, parameters, LogN));
            }
            catch (CodecException)
            {
                accepted = false;
            }
            Assert.False(accepted, $"a flip at byte {position} of {encoded.Length} was accepted");
        }
    }

    [Fact]
    public void The_encoding_round_trips_and_rejects_truncated_or_padded_input()
    {
        var parameters = new FriParameters(8, 4, 20, 2, 7);
        const int LogN = 12;
        FriProof proof = Prove(parameters, LowDegree(LogN, parameters.DegreeBound(LogN), 9));
        byte[] encoded = proof.Encode();
        Assert.Equal(encoded, FriProof.Decode(encoded, parameters, LogN).Encode());
        Assert.True(encoded.Length <= FriProof.MaxEncodedSize(parameters, LogN));
        for (int cut = 0; cut < encoded.Length; cut += 97)
        {
            Assert.Throws<CodecException>(() => FriProof.Decode(encoded.AsSpan(0, cut), parameters, LogN));
        }
        Assert.Throws<CodecException>(() => FriProof.Decode(encoded.AsSpan(0, encoded.Length - 1), parameters, LogN));
        Assert.Throws<CodecException>(() => FriProof.Decode([.. encoded, 0], parameters, LogN));
        byte[] huge = new byte[FriProof.MaxEncodedSize(parameters, LogN) + 1];
        Assert.Equal(CodecException.TooLarge, Assert.Throws<CodecException>(() => FriProof.Decode(huge, parameters, LogN)).Code);
        // A proof for another domain size has another layer count or remainder length.
        Assert.Throws<CodecException>(() => FriProof.Decode(encoded, parameters, LogN + 2));
    }

    [Fact]
    public void The_verifier_rejects_a_structurally_wrong_proof()
    {
        var parameters = new FriParameters(4, 2, 16, 0, 3);
        const int LogN = 9;
        FriProof proof = Prove(parameters, LowDegree(LogN, parameters.DegreeBound(LogN), 4));
        Assert.False(Verifies(parameters, LogN, proof with { Remainder = [.. proof.Remainder, GoldilocksExt2.Zero] }));
        Assert.False(Verifies(parameters, LogN, proof with { LayerRoots = proof.LayerRoots.Skip(1).ToArray() }));
        Assert.False(Verifies(parameters, LogN, proof with { Nonce = proof.Nonce + 1 }));
        FriLayerOpening first = proof.Layers[0];
        FriLayerOpening shortened = first with { Rows = first.Rows.Skip(1).ToArray() };
        Assert.False(Verifies(parameters, LogN, proof with { Layers = [shortened, .. proof.Layers.Skip(1)] }));
    }

    [Theory]
    [InlineData(1, 2, 8, 0, 0)]
    [InlineData(3, 2, 8, 0, 0)]
    [InlineData(512, 2, 8, 0, 0)]
    [InlineData(4, 3, 8, 0, 0)]
    [InlineData(4, 16, 8, 0, 0)]
    [InlineData(4, 1, 8, 0, 0)]
    [InlineData(4, 2, 0, 0, 0)]
    [InlineData(4, 2, 256, 0, 0)]
    [InlineData(4, 2, 8, -1, 0)]
    [InlineData(4, 2, 8, 33, 0)]
    [InlineData(4, 2, 8, 0, -1)]
    [InlineData(4, 2, 8, 0, 4096)]
    public void Invalid_parameters_are_refused(int blowup, int foldingFactor, int queries, int grindingBits, int maxRemainderDegree) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FriParameters(blowup, foldingFactor, queries, grindingBits, maxRemainderDegree));

    [Fact]
    public void Domains_too_small_for_the_parameters_are_refused()
    {
        var parameters = new FriParameters(4, 8, 16, 0, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => parameters.LayerCount(4));    // below blowup · k
        Assert.Throws<ArgumentOutOfRangeException>(() => parameters.LayerCount(6));    // 16 queries, 8 rows
        Assert.Throws<ArgumentOutOfRangeException>(() => parameters.LayerCount(31));
        // d = 2 with k = 8: one fold of a 4-point layer has no full row.
        Assert.Throws<ArgumentOutOfRangeException>(() => new FriParameters(2, 8, 1, 0, 0).LayerCount(3));
        Assert.Throws<ArgumentException>(() => FriProver.Prove(parameters, new GoldilocksExt2[1000], Shift, new Transcript(Seed)));
        Assert.Throws<ArgumentException>(() => FriProver.Prove(parameters, new GoldilocksExt2[1024], Goldilocks.Zero, new Transcript(Seed)));
    }

    [Fact]
    public void Layer_count_and_remainder_length_follow_the_degree_bound()
    {
        var parameters = new FriParameters(4, 4, 16, 0, 15);
        // d = 2^14 folds to 2^12, 2^10, 2^8, 2^6, 2^4 = 16 coefficients.
        Assert.Equal(5, parameters.LayerCount(16));
        Assert.Equal(16, parameters.RemainderLength(16));
        // Degree 0 allowed: fold until one coefficient is left, even if the last fold is by less than k.
        Assert.Equal(3, new FriParameters(2, 8, 1, 0, 0).LayerCount(9));
        Assert.Equal(1, new FriParameters(2, 8, 1, 0, 0).RemainderLength(9));
        // A remainder bound above d still folds once.
        Assert.Equal(1, new FriParameters(2, 2, 1, 0, 100).LayerCount(4));
        Assert.Equal(4, new FriParameters(2, 2, 1, 0, 100).RemainderLength(4));
    }

    [Fact]
    public void Security_is_the_smaller_of_the_query_and_field_terms()
    {
        Assert.Equal(30 * 3 + 16, new FriParameters(8, 4, 30, 16, 0).ConjecturedSecurityBits(16));
        Assert.Equal(127 - 20, new FriParameters(16, 4, 60, 20, 0).ConjecturedSecurityBits(20));
    }
}
