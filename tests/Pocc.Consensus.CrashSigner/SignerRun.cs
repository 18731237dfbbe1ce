using Pocc.Ledger.Consensus;
using System.Diagnostics;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.CrashSigner;

/// <summary>
/// The guard alone: resumes at the height it last signed at, from round 0, asking for a prevote and a precommit per
/// round on freshly random values, so a restarted run asks for votes that conflict with the killed run's.
/// </summary>
public static class SignerRun
{
    public static void Run(string stateFile, Random random, Stopwatch deadline)
    {
        var guard = new GuardedSigner(new KeyPairConsensusSigner(CrashScript.Key), stateFile);
        Console.WriteLine("ready");
        for (var height = guard.LastHeight.Value == 0 ? new Height(1) : guard.LastHeight; deadline.Elapsed < CrashScript.TimeLimit; height = height.Next)
        {
            for (int round = 0; round < CrashScript.RoundsPerHeight; round++)
            {
                foreach (var type in (VoteType[])[VoteType.Prevote, VoteType.Precommit])
                {
                    try
                    {
                        var vote = guard.SignVote(CrashScript.Chain, type, height, round, CrashScript.PickValue(random));
                        Console.WriteLine("V " + Convert.ToHexString(Canonical.Encode(vote)));
                    }
                    catch (DoubleSignException)
                    {
                        // The guard remembered a different vote here (or a later one): exactly what it is for.
                        Console.WriteLine("refused");
                    }
                }
            }
        }
    }
}
