using Pocc.Ledger.Consensus;
using Pocc.Consensus.CrashSigner;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Tests.Wal;

/// <summary>Child processes that sign through <see cref="GuardedSigner"/>, killed with SIGKILL at random points and restarted.</summary>
public sealed class CrashSignerTests
{
    private const int Kills = 30;

    [Fact]
    public async Task A_signer_killed_anywhere_never_signs_two_different_votes_for_one_step()
    {
        using var directory = new TempDirectory();
        string stateFile = directory.File("signer");
        var signed = new SignedLog();

        await KillRepeatedlyAsync("signer", stateFile, stateFile, signed, maxLinesBeforeKill: 12);

        // The restarts really went back over steps signed before a kill, and the guard really refused some of them.
        Assert.True(signed.Resigned > 0, "no run re-requested a vote of an earlier run");
        Assert.True(signed.Refused > 0, "the guard never refused anything");
        Assert.True(signed.Count > Kills, $"only {signed.Count} votes signed in {Kills} runs");
    }

    [Fact]
    public async Task A_validator_killed_anywhere_replays_its_wal_and_never_contradicts_itself()
    {
        using var directory = new TempDirectory();
        var signed = new SignedLog();

        await KillRepeatedlyAsync("validator", directory.Path, directory.File("signer"), signed, maxLinesBeforeKill: 40);

        // Every restart replayed the WAL and re-broadcast the current height's messages, identical to the originals.
        Assert.True(signed.Resigned > 0, "no restart re-broadcast a message of an earlier run");
        Assert.True(signed.Heights > 1, "no height was ever decided");
        // A replayed machine knows what it signed and asks for nothing else; only a kill between the guard's write and
        // the WAL's loses an event (a few refusals at most). A validator that skipped the replay was refused ~9 times a run.
        Assert.True(signed.Refused < Kills, $"the guard refused {signed.Refused} signatures: the replay did not restore the machine");
    }

    private static async Task KillRepeatedlyAsync(string mode, string path, string stateFile, SignedLog signed, int maxLinesBeforeKill)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var random = new Random(20261125);
        for (int run = 0; run < Kills; run++)
        {
            using (var child = CrashSignerProcess.Start(mode, path, random.Next()))
            {
                // The child keeps going while the kill is on its way, so it dies at an arbitrary point of a later
                // signature: before, inside or after the state file's replacement or the WAL append.
                await child.WaitForReadyAndLinesAsync(random.Next(maxLinesBeforeKill), timeout.Token);
                await child.KillAsync(timeout.Token);
                signed.AddRun(run, child.Lines);
            }
            signed.AssertPersisted(stateFile);
        }
    }

    /// <summary>Every message the children printed as signed, one per (height, round, step), with the bytes first seen.</summary>
    private sealed class SignedLog
    {
        private readonly Dictionary<(Height, int, SignStep), byte[]> _signed = [];

        public int Count => _signed.Count;

        /// <summary>Messages a run printed that an earlier run had printed already (and byte for byte the same).</summary>
        public int Resigned { get; private set; }

        public int Refused { get; private set; }

        public int Heights => _signed.Keys.Select(k => k.Item1).Distinct().Count();

        public void AddRun(int run, IEnumerable<string> lines)
        {
            var seenThisRun = new HashSet<(Height, int, SignStep)>();
            foreach (var line in lines)
            {
                if (line == "refused")
                {
                    Refused++;
                }
                if (!TryParse(line, out var step, out var bytes))
                {
                    continue;
                }
                if (_signed.TryGetValue(step, out var earlier))
                {
                    Assert.True(earlier.AsSpan().SequenceEqual(bytes), $"run {run} signed a different {step.Item3} at height {step.Item1} round {step.Item2}");
                    Resigned += seenThisRun.Add(step) ? 1 : 0;
                }
                else
                {
                    _signed[step] = bytes;
                    seenThisRun.Add(step);
                }
            }
        }

        /// <summary>Messages at the guard's last height are in its state; earlier ones are below it, so it will not sign there again.</summary>
        public void AssertPersisted(string stateFile)
        {
            // Any key will do: loading and reading the state does not sign.
            var guard = new GuardedSigner(new KeyPairConsensusSigner(CrashScript.Key), stateFile);
            foreach (var ((height, round, step), bytes) in _signed)
            {
                if (height == guard.LastHeight)
                {
                    Assert.Contains(guard.SignedAtLastHeight, s => s.Message.Span.SequenceEqual(bytes));
                }
                else
                {
                    Assert.True(height < guard.LastHeight, $"{step} at height {height} round {round} was printed but the guard is at {guard.LastHeight}");
                }
            }
        }

        private static bool TryParse(string line, out (Height, int, SignStep) step, out byte[] bytes)
        {
            try
            {
                bytes = Convert.FromHexString(line.AsSpan(2));
                if (line.StartsWith("V ", StringComparison.Ordinal))
                {
                    var vote = Vote.Decode(bytes);
                    step = (vote.Height, vote.Round, vote.Type == VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit);
                    return true;
                }
                if (line.StartsWith("P ", StringComparison.Ordinal))
                {
                    var proposal = Proposal.Decode(bytes);
                    step = (proposal.Height, proposal.Round, SignStep.Proposal);
                    return true;
                }
            }
            catch (Exception e) when (e is FormatException or CodecException or ArgumentOutOfRangeException)
            {
                // A line cut by the kill fails to parse; it was signed, but nothing can be said about it.
            }
            (step, bytes) = (default, []);
            return false;
        }
    }
}
