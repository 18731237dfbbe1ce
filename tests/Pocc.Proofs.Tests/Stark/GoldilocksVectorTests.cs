using CsCheck;
using Pocc.Proofs.Stark;
using static Pocc.Proofs.Tests.Stark.FieldGen;
using Path = Pocc.Proofs.Stark.GoldilocksVector.Path;

namespace Pocc.Proofs.Tests.Stark;

public class GoldilocksVectorTests
{
    // Lengths around the vector widths leave scalar tails of every size.
    private static readonly Gen<(Goldilocks[] A, Goldilocks[] B)> Pair =
        Gen.Int[0, 70].SelectMany(n => Gen.Select(Element.Array[n], Element.Array[n]));

    // The paths are internal, so each test loops over the ones this CPU runs instead of taking them as theory data.
    private static readonly Path[] Paths = [.. Enum.GetValues<Path>().Where(GoldilocksVector.IsSupported)];

    [Fact]
    public void Each_path_matches_the_scalar_operators() =>
        Gen.Select(Pair, Gen.OneOf(Paths)).Sample((pair, path) =>
        {
            var (a, b) = pair;
            var sum = new Goldilocks[a.Length];
            var difference = new Goldilocks[a.Length];
            var product = new Goldilocks[a.Length];
            GoldilocksVector.Add(a, b, sum, path);
            GoldilocksVector.Subtract(a, b, difference, path);
            GoldilocksVector.Multiply(a, b, product, path);
            for (int i = 0; i < a.Length; i++)
            {
                Assert.Equal(a[i] + b[i], sum[i]);
                Assert.Equal(a[i] - b[i], difference[i]);
                Assert.Equal(a[i] * b[i], product[i]);
            }
        }, iter: 3_000);

    [Fact]
    public void Each_path_handles_every_pair_of_edge_values()
    {
        Goldilocks[] a = [.. Edges.SelectMany(x => Edges.Select(_ => Goldilocks.FromCanonical(x)))];
        Goldilocks[] b = [.. Edges.SelectMany(_ => Edges.Select(Goldilocks.FromCanonical))];
        foreach (Path path in Paths)
        {
            var sum = new Goldilocks[a.Length];
            var difference = new Goldilocks[a.Length];
            var product = new Goldilocks[a.Length];
            GoldilocksVector.Add(a, b, sum, path);
            GoldilocksVector.Subtract(a, b, difference, path);
            GoldilocksVector.Multiply(a, b, product, path);
            Assert.Equal(a.Zip(b, (x, y) => x + y), sum);
            Assert.Equal(a.Zip(b, (x, y) => x - y), difference);
            Assert.Equal(a.Zip(b, (x, y) => x * y), product);
        }
    }

    [Fact]
    public void Each_path_computes_the_scalar_NTT_butterflies() =>
        Gen.Int[0, 70].SelectMany(n => Gen.Select(Element.Array[n], Element.Array[n], Element.Array[n]))
            .Select(Gen.OneOf(Paths)).Sample((vectors, path) =>
            {
                var (a, b, w) = vectors;
                var (low, high) = (a.ToArray(), b.ToArray());
                GoldilocksVector.Butterflies(low, high, w, path);
                for (int j = 0; j < w.Length; j++)
                {
                    Assert.Equal(a[j] + w[j] * b[j], low[j]);
                    Assert.Equal(a[j] - w[j] * b[j], high[j]);
                }
            }, iter: 1_000);

    [Fact]
    public void Destination_may_be_an_input()
    {
        Goldilocks[] a = [.. Enumerable.Range(1, 19).Select(i => Goldilocks.FromUInt64(P - (ulong)i))];
        Goldilocks[] expected = [.. a.Select(x => x * x)];
        GoldilocksVector.Multiply(a, a, a);
        Assert.Equal(expected, a);
    }

    [Fact]
    public void Rejects_spans_of_different_lengths() =>
        Assert.Throws<ArgumentException>(() => GoldilocksVector.Add(new Goldilocks[3], new Goldilocks[4], new Goldilocks[3]));
}
