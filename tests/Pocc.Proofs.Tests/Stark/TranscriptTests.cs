using CsCheck;
using Pocc.Core.Hashing;
using Pocc.Proofs.Stark;

namespace Pocc.Proofs.Tests.Stark;

public class TranscriptTests
{
    private const string Domain = "pocc.stark.test";

    /// <summary>A protocol run: one labelled message per round, each followed by a challenge of every kind.</summary>
    private static readonly Gen<(string Label, byte[] Data)[]> Script =
        Gen.Select(Gen.String[Gen.Char['a', 'z'], 0, 6], Gen.Byte.Array[0, 40]).Array[1, 6];

    private static List<string> Run((string Label, byte[] Data)[] script)
    {
        var transcript = new Transcript(Domain);
        var challenges = new List<string>();
        foreach ((string label, byte[] data) in script)
        {
            transcript.Absorb(label, data);
            challenges.Add($"{transcript.DrawField("alpha")} {transcript.DrawExtField("z")} {string.Join(',', transcript.DrawQueries("q", 4, 10))}");
        }
        return challenges;
    }

    [Fact]
    public void Same_messages_give_the_same_challenges() =>
        Script.Sample(script => Assert.Equal(Run(script), Run(script)), iter: 200);

    [Fact]
    public void Changing_any_earlier_byte_or_label_changes_every_later_challenge() =>
        Gen.Select(Script, Gen.Int[0, int.MaxValue], Gen.Int[0, 7]).Sample((script, at, bit) =>
        {
            List<string> original = Run(script);
            int round = at % script.Length;
            (string label, byte[] data) = script[round];

            var changedData = ((string, byte[])[])script.Clone();
            if (data.Length > 0)
            {
                byte[] flipped = [.. data];
                flipped[at % data.Length] ^= (byte)(1 << bit);
                changedData[round] = (label, flipped);
            }
            else
            {
                changedData[round] = (label, [0]);
            }
            var changedLabel = ((string, byte[])[])script.Clone();
            changedLabel[round] = (label + "x", data);
            foreach (var changed in new[] { changedData, changedLabel })
            {
                List<string> after = Run(changed);
                Assert.Equal(original[..round], after[..round]);
                for (int r = round; r < script.Length; r++)
                {
                    Assert.NotEqual(original[r], after[r]);
                }
            }
        }, iter: 200);

    [Fact]
    public void The_domain_and_every_kind_of_message_bind_the_challenges()
    {
        Goldilocks Draw(string domain, Action<Transcript> absorb)
        {
            var transcript = new Transcript(domain);
            absorb(transcript);
            return transcript.DrawField("c");
        }
        Hash32 root = Blake3Hash.Of([1, 2, 3]);
        Goldilocks[] values = [Goldilocks.One, Goldilocks.Generator];
        var draws = new[]
        {
            Draw(Domain, _ => { }),
            Draw(Domain + "2", _ => { }),
            Draw(Domain, t => t.AbsorbRoot("r", root)),
            Draw(Domain, t => t.AbsorbRoot("r", Blake3Hash.Of([1, 2, 4]))),
            Draw(Domain, t => t.Absorb("r", root.ToArray())),
            // The same bytes split differently between label and data.
            Draw(Domain, t => t.Absorb("ab", "c"u8)),
            Draw(Domain, t => t.Absorb("a", "bc"u8)),
            Draw(Domain, t => { t.Absorb("a", "b"u8); t.Absorb("", "c"u8); }),
            Draw(Domain, t => t.AbsorbField("v", values)),
            Draw(Domain, t => t.AbsorbField("v", [Goldilocks.One, Goldilocks.Generator + Goldilocks.One])),
            Draw(Domain, t => t.AbsorbField("v", [.. values.Select(v => (GoldilocksExt2)v)])),
            Draw(Domain, t => t.AbsorbField("v", Enumerable.Range(0, 1000).Select(i => Goldilocks.FromUInt64((ulong)i)).ToArray())),
            Draw(Domain, t => t.AbsorbField("v", Enumerable.Range(0, 1000).Select(i => Goldilocks.FromUInt64((ulong)i + (i == 999 ? 1UL : 0))).ToArray())),
        };
        Assert.Equal(draws.Length, draws.Distinct().Count());
    }

    [Fact]
    public void Drawing_twice_gives_different_challenges()
    {
        var transcript = new Transcript(Domain);
        Assert.NotEqual(transcript.DrawField("a"), transcript.DrawField("a"));
        Assert.NotEqual(transcript.DrawExtField("a"), transcript.DrawExtField("a"));
        Assert.NotEqual(transcript.DrawQueries("a", 8, 20), transcript.DrawQueries("a", 8, 20));
    }

    [Fact]
    public void Query_indices_are_distinct_sorted_and_in_range() =>
        Gen.Int[0, 20].SelectMany(log => Gen.Select(Gen.Const(log), Gen.Int[1, Math.Min(1 << log, 200)], Gen.Byte.Array[0, 8]))
            .Sample((log, count, seed) =>
            {
                var transcript = new Transcript(Domain);
                transcript.Absorb("seed", seed);
                int[] queries = transcript.DrawQueries("q", count, log);
                Assert.Equal(count, queries.Length);
                Assert.All(queries, q => Assert.InRange(q, 0, (1 << log) - 1));
                for (int i = 1; i < queries.Length; i++)
                {
                    Assert.True(queries[i - 1] < queries[i]);
                }
            }, iter: 300);

    [Fact]
    public void Drawing_the_whole_domain_returns_every_index() =>
        Assert.Equal(Enumerable.Range(0, 64), new Transcript(Domain).DrawQueries("q", 64, 6));

    [Fact]
    public void Field_challenges_cover_the_high_range()
    {
        // Uniform over [0, p): about half the draws are at least 2^63.
        var transcript = new Transcript(Domain);
        int high = Enumerable.Range(0, 2000).Count(_ => transcript.DrawField("x").Value >= 1UL << 63);
        Assert.InRange(high, 850, 1150);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void Grinding_finds_a_nonce_the_verifier_accepts_and_a_wrong_one_fails(int bits)
    {
        Transcript Fresh(string message)
        {
            var t = new Transcript(Domain);
            t.Absorb("fri-final", System.Text.Encoding.UTF8.GetBytes(message));
            return t;
        }
        Transcript prover = Fresh("m"), verifier = Fresh("m");
        ulong nonce = prover.Grind(bits);
        Assert.True(verifier.VerifyGrind(bits, nonce));
        // The nonce is absorbed on both sides, so they stay in step.
        Assert.Equal(prover.DrawQueries("q", 16, 12), verifier.DrawQueries("q", 16, 12));

        // Grind returns the first nonce that works however the search is split, so every smaller one fails
        // (checked on one transcript: a rejected nonce leaves it as it was).
        Transcript probe = Fresh("m");
        for (ulong smaller = 0; smaller < nonce; smaller++)
        {
            Assert.False(probe.VerifyGrind(bits, smaller));
        }
        Assert.True(probe.VerifyGrind(bits, nonce));
        // The nonce is bound to the history.
        Assert.False(Fresh("other").VerifyGrind(bits, nonce));
        // A rejected nonce leaves the transcript unchanged.
        Transcript rejected = Fresh("m"), untouched = Fresh("m");
        ulong wrong = Enumerable.Range(0, 1000).Select(i => (ulong)i).First(n => !Fresh("m").VerifyGrind(bits, n));
        Assert.False(rejected.VerifyGrind(bits, wrong));
        Assert.Equal(untouched.DrawField("x"), rejected.DrawField("x"));
    }
}
