using Pocc.Ledger.Consensus;
using System.Diagnostics;
using Pocc.Consensus.Tendermint;
using Pocc.Consensus.Wal;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;

namespace Pocc.Consensus.CrashSigner;

/// <summary>
/// A whole validator as a host runs it: machine, <see cref="ConsensusWal"/> and <see cref="GuardedSigner"/>, replaying
/// the WAL on start, then fed random messages from three peers (who may equivocate) and random timeouts.
/// </summary>
public static class ValidatorRun
{
    public const int Self = 3;

    public static readonly KeyPair[] Keys = [.. Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"crash-v{i}"))];

    private static readonly ValidatorSet Validators = new([.. Keys.Select(k => new ValidatorPower(k.Address, k.PublicKey, 10))]);

    public static void Run(string directory, Random random, Stopwatch deadline)
    {
        var guard = new GuardedSigner(new KeyPairConsensusSigner(Keys[Self]), Path.Combine(directory, "signer"));
        using var wal = ConsensusWal.Open(Path.Combine(directory, "wal"));
        var machine = new TendermintMachine(CrashScript.Chain, guard, new TendermintTimeouts());
        var height = wal.Records.OfType<WalEndHeight>().LastOrDefault() is { } ended ? ended.Height.Next : new Height(1);
        Print(WalReplay.Replay(machine, StartOf(height), wal.Records).Actions);
        Console.WriteLine("ready");
        while (deadline.Elapsed < CrashScript.TimeLimit)
        {
            if (machine.State.Step == RoundStep.Committed)
            {
                wal.EndHeight(height);
                height = height.Next;
                wal.Handle(machine, StartOf(height));
            }
            try
            {
                Print(wal.Handle(machine, NextEvent(machine.State, random)).Actions);
            }
            catch (DoubleSignException)
            {
                Console.WriteLine("refused");
            }
        }
    }

    private static Start StartOf(Height height) => new(height, Validators, new RoundRobin());

    private static void Print(IEnumerable<ConsensusAction> actions)
    {
        foreach (var action in actions)
        {
            switch (action)
            {
                case BroadcastVote broadcast:
                    Console.WriteLine("V " + Convert.ToHexString(Canonical.Encode(broadcast.Vote)));
                    break;
                case BroadcastProposal broadcast:
                    Console.WriteLine("P " + Convert.ToHexString(Canonical.Encode(broadcast.Proposal)));
                    break;
            }
        }
    }

    /// <summary>Mostly messages for the current round, with enough votes for one value that heights get decided.</summary>
    private static ConsensusEvent NextEvent(TendermintState state, Random random)
    {
        var (height, round) = (state.Height, state.Round);
        var peer = Keys[random.Next(Self)];
        var value = CrashScript.PickValue(random);
        var proposed = value ?? CrashScript.FavouredValue;
        return random.Next(10) switch
        {
            0 => new VoteReceived(Vote.Sign(CrashScript.Chain, VoteType.Prevote, height, round, value, peer)),
            1 => new VoteReceived(Vote.Sign(CrashScript.Chain, VoteType.Precommit, height, round, value, peer)),
            2 or 3 => new VoteReceived(Vote.Sign(CrashScript.Chain, VoteType.Prevote, height, round, CrashScript.FavouredValue, peer)),
            4 => new VoteReceived(Vote.Sign(CrashScript.Chain, VoteType.Precommit, height, round, CrashScript.FavouredValue, peer)),
            5 when round % Keys.Length == Self => new ValueReady(height, round, proposed, new PartSetHeader(1, proposed)),
            5 => new ProposalReceived(Proposal.Sign(CrashScript.Chain, height, round, proposed, new PartSetHeader(1, proposed), Proposal.NoRound, Keys[round % Keys.Length])),
            6 => new ProposalValidated(height, proposed, true),
            7 => new TimeoutElapsed(TimeoutKind.Propose, height, round),
            8 => new TimeoutElapsed(TimeoutKind.Prevote, height, round),
            _ => new TimeoutElapsed(TimeoutKind.Precommit, height, round),
        };
    }

    private sealed class RoundRobin : IProposerSelector
    {
        public Address Proposer(Height height, int round) => Keys[round % Keys.Length].Address;
    }
}
