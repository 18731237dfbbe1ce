using Pocc.Consensus.CrashSigner;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tests.Wal;

public sealed class CrashSignerTests
{
    private const int Kills = 30;

    [Fact]
    public async Task A_signer_killed_anywhere_never_signs_two_different_votes_for_one_step()
    {
        using var directory = new TempDirectory();
        string stateFile = directory.File("signer");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var random = new Random(20261125);
        var signed = new Dictionary<(Height, int, VoteType), byte[]>();
        int resigned = 0;
        int refused = 0;

        for (int run = 0; run < Kills; run++)
        {
            using var child = CrashSignerProcess.Start(stateFile, random.Next());
            // "ready", then a random number of answers: the child keeps signing while the kill is on its way, so it
            // dies at an arbitrary point of a later signature (before, inside or after the state file's replacement).
            await child.WaitForLinesAsync(1 + random.Next(12), timeout.Token);
            await child.KillAsync(timeout.Token);

            var firstOfRun = new HashSet<(Height, int, VoteType)>();
            foreach (var line in child.Lines.Skip(1))
            {
                if (line == "refused")
                {
                    refused++;
                    continue;
                }
                if (!TryParse(line, out var vote, out var bytes))
                {
                    continue;
                }
                var step = (vote.Height, vote.Round, vote.Type);
                if (signed.TryGetValue(step, out var earlier))
                {
                    Assert.True(earlier.AsSpan().SequenceEqual(bytes), $"run {run} signed a different {vote.Type} at height {vote.Height} round {vote.Round}");
                    resigned += firstOfRun.Add(step) ? 1 : 0;
                }
                else
                {
                    signed[step] = bytes;
                    firstOfRun.Add(step);
                }
            }

            AssertEverythingSignedIsPersisted(stateFile, signed);
        }

        // The restarts really went back over steps signed before the kill, and the guard really refused some of them.
        Assert.True(resigned > 0, "no run re-requested a vote of an earlier run");
        Assert.True(refused > 0, "the guard never refused anything");
        Assert.True(signed.Count > Kills, $"only {signed.Count} votes signed in {Kills} runs");
    }

    /// <summary>Votes at the guard's last height are in its state; earlier ones are below it, so it will not sign there again.</summary>
    private static void AssertEverythingSignedIsPersisted(string stateFile, Dictionary<(Height, int, VoteType), byte[]> signed)
    {
        var guard = new GuardedSigner(new KeyPairConsensusSigner(CrashScript.Key), stateFile);
        foreach (var ((height, round, type), bytes) in signed)
        {
            if (height == guard.LastHeight)
            {
                Assert.Contains(guard.SignedAtLastHeight, s => s.Message.Span.SequenceEqual(bytes));
            }
            else
            {
                Assert.True(height < guard.LastHeight, $"{type} at height {height} round {round} was printed but the guard is at {guard.LastHeight}");
            }
        }
    }

    private static bool TryParse(string line, out Vote vote, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(line);
            vote = Vote.Decode(bytes);
            return true;
        }
        catch (Exception e) when (e is FormatException or CodecException)
        {
            // Only a line cut by the kill fails to parse.
            (vote, bytes) = (null!, []);
            return false;
        }
    }
}
