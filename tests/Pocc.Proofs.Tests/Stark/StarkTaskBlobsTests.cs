using Pocc.Core.Encoding;
using Pocc.Proofs.Stark;
using Pocc.Proofs.Stark.Air;
using Pocc.Proofs.Stark.Tasks;

namespace Pocc.Proofs.Tests.Stark;

public class StarkTaskBlobsTests
{
    private static Goldilocks[] Elements(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Goldilocks.FromUInt64((ulong)random.NextInt64()))];
    }

    [Theory]
    [InlineData(StarkComputation.PermutationChain)]
    [InlineData(StarkComputation.MatrixRecurrence)]
    public void Inputs_round_trip_at_their_fixed_size(StarkComputation computation)
    {
        Goldilocks[] inputs = Elements(StarkComputations.InputElements(computation), 1);
        byte[] blob = StarkTaskBlobs.EncodeInputs(computation, inputs);
        Assert.Equal(StarkTaskBlobs.InputsSize(computation), blob.Length);
        Assert.Equal(inputs, StarkTaskBlobs.DecodeInputs(computation, blob));
    }

    [Fact]
    public void Inputs_that_are_not_exactly_a_blob_of_the_computation_are_refused()
    {
        byte[] blob = StarkTaskBlobs.EncodeInputs(StarkComputation.PermutationChain, Elements(4, 2));
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeInputs(StarkComputation.PermutationChain, blob.AsSpan(..^1)));
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeInputs(StarkComputation.PermutationChain, [.. blob, 0]));
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeInputs(StarkComputation.MatrixRecurrence, blob));
        byte[] otherVersion = (byte[])blob.Clone();
        otherVersion[0] = 2;
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeInputs(StarkComputation.PermutationChain, otherVersion));
        byte[] otherComputation = (byte[])blob.Clone();
        otherComputation[1] = (byte)StarkComputation.MatrixRecurrence;
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeInputs(StarkComputation.PermutationChain, otherComputation));
        byte[] nonCanonical = (byte[])blob.Clone();
        BitConverter.TryWriteBytes(nonCanonical.AsSpan(2, 8), Goldilocks.P);
        Assert.Equal(CodecException.NonCanonical,
            Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeInputs(StarkComputation.PermutationChain, nonCanonical)).Code);
    }

    [Fact]
    public void A_result_round_trips_and_malformed_results_are_refused()
    {
        Goldilocks[] outputs = Elements(StarkComputations.OutputElements, 3);
        byte[] proof = [1, 2, 3, 4, 5];
        byte[] blob = StarkTaskBlobs.EncodeResult(outputs, proof);
        (Goldilocks[] decodedOutputs, byte[] decodedProof) = StarkTaskBlobs.DecodeResult(blob);
        Assert.Equal(outputs, decodedOutputs);
        Assert.Equal(proof, decodedProof);

        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeResult(blob.AsSpan(..^1)));
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeResult([.. blob, 0]));
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeResult(StarkTaskBlobs.EncodeResult(outputs, [])));
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeResult(new byte[StarkTaskBlobs.MaxResultSize + 1]));
        byte[] lengthBeyondTheBlob = (byte[])blob.Clone();
        lengthBeyondTheBlob[1 + 32] = 0xff;
        Assert.Throws<CodecException>(() => StarkTaskBlobs.DecodeResult(lengthBeyondTheBlob));
    }

    [Theory]
    [InlineData(StarkComputation.PermutationChain, StarkComputations.MinSteps)]
    [InlineData(StarkComputation.PermutationChain, 100)]
    [InlineData(StarkComputation.MatrixRecurrence, StarkComputations.MinSteps)]
    [InlineData(StarkComputation.MatrixRecurrence, 255)]
    public void A_statement_from_the_native_outputs_proves_and_one_off_outputs_do_not(StarkComputation computation, int steps)
    {
        Goldilocks[] inputs = Elements(StarkComputations.InputElements(computation), steps);
        Goldilocks[] outputs = StarkComputations.Compute(computation, inputs, steps);
        var parameters = StarkParameters.ForSecurity(96);
        IAir air = StarkComputations.CreateAir(computation, inputs, steps, outputs);
        Assert.Equal(StarkComputations.TraceLength(computation, steps), air.TraceLength);
        byte[] proof = StarkProver.Prove(air, parameters).Encode();
        Assert.True(StarkVerifier.TryVerify(air, proof, 96, out string? reason), reason);

        outputs[1] += Goldilocks.One;
        IAir falseStatement = StarkComputations.CreateAir(computation, inputs, steps, outputs);
        Assert.False(StarkVerifier.TryVerify(falseStatement, proof, 96, out _));
        Assert.False(StarkVerifier.TryVerify(falseStatement, StarkProver.Prove(falseStatement, parameters).Encode(), 96, out _));
    }

    [Fact]
    public void Statements_outside_the_step_bounds_or_of_the_wrong_arity_are_refused()
    {
        Goldilocks[] inputs = Elements(4, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkComputations.Compute(StarkComputation.PermutationChain, inputs, StarkComputations.MinSteps - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StarkComputations.Compute(StarkComputation.PermutationChain, inputs, StarkComputations.MaxSteps + 1));
        Assert.Throws<ArgumentException>(() => StarkComputations.Compute(StarkComputation.MatrixRecurrence, inputs, 100));
        Assert.Throws<ArgumentException>(() => StarkComputations.CreateAir(StarkComputation.PermutationChain, inputs, 100, inputs.AsSpan(..3)));
    }

    [Theory]
    [InlineData(StarkComputation.PermutationChain)]
    [InlineData(StarkComputation.MatrixRecurrence)]
    public void The_smallest_statement_proves_at_the_most_security_its_size_allows(StarkComputation computation)
    {
        int steps = StarkComputations.MinSteps;
        Goldilocks[] inputs = Elements(StarkComputations.InputElements(computation), 5);
        IAir air = StarkComputations.CreateAir(computation, inputs, steps, StarkComputations.Compute(computation, inputs, steps));
        int bits = StarkParameters.MaxStandardSecurityBits(int.Log2(air.TraceLength));
        byte[] proof = StarkProver.Prove(air, StarkParameters.ForSecurity(bits)).Encode();
        Assert.True(StarkVerifier.TryVerify(air, proof, bits, out string? reason), reason);
    }
}
