using System.Diagnostics;
using Pocc.Consensus.CrashSigner;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

// Usage: Pocc.Consensus.CrashSigner <state file> <seed>
// Resumes at the height the guard last signed at, from round 0, asking for votes on freshly random values; prints
// "ready" once the state is loaded, then the hex encoding of each vote the guard returned, after it returned, or
// "refused" when the guard refused one.
// The time limit only matters if the test that should kill this process dies first.
var deadline = Stopwatch.StartNew();
var guard = new GuardedSigner(new KeyPairConsensusSigner(CrashScript.Key), args[0]);
var random = new Random(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
Console.WriteLine("ready");
for (var height = guard.LastHeight.Value == 0 ? new Height(1) : guard.LastHeight; deadline.Elapsed < TimeSpan.FromSeconds(60); height = height.Next)
{
    for (int round = 0; round < CrashScript.RoundsPerHeight; round++)
    {
        foreach (var type in (VoteType[])[VoteType.Prevote, VoteType.Precommit])
        {
            try
            {
                var vote = guard.SignVote(CrashScript.Chain, type, height, round, CrashScript.PickValue(random));
                Console.WriteLine(Convert.ToHexString(Canonical.Encode(vote)));
            }
            catch (DoubleSignException)
            {
                // The guard remembered a different vote here (or a later one): exactly what it is for.
                Console.WriteLine("refused");
            }
        }
    }
}
