using Pocc.Ledger.Consensus;
using Pocc.Consensus.Tendermint;

namespace Pocc.Consensus.Wal;

/// <summary>What a replay leaves for the host to do: re-broadcast what was signed, then the machine's pending actions.</summary>
/// <param name="Actions">
/// First a broadcast of every message the WAL says this validator signed, then the actions the replay produced (timers,
/// validations, a value request, a decision) without the broadcasts already listed. Re-sending is harmless: peers
/// drop duplicates, and a vote lost in the crash reaches them after all.
/// </param>
/// <param name="EventsReplayed">How many recorded events were fed back into the machine.</param>
public sealed record WalReplayResult(IReadOnlyList<ConsensusAction> Actions, int EventsReplayed);

/// <summary>Brings a fresh <see cref="TendermintMachine"/> back to where it was before a crash, from the WAL.</summary>
public static class WalReplay
{
    /// <summary>
    /// Starts <paramref name="machine"/> with <paramref name="start"/> and feeds it, in order, the events the WAL
    /// recorded after its last end-of-height marker, so it regains its lock and valid value. The machine re-signs its
    /// own messages on the way; give it the same <see cref="GuardedSigner"/> as before the crash so those come back
    /// byte for byte instead of as new, possibly conflicting, signatures.
    /// </summary>
    /// <exception cref="ArgumentException">The WAL says <paramref name="start"/>'s height was already committed.</exception>
    /// <exception cref="InvalidOperationException">A recorded event is refused on replay: the machine diverged from the one that logged it.</exception>
    public static WalReplayResult Replay(TendermintMachine machine, Start start, IReadOnlyList<WalRecord> records)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(records);
        int first = 0;
        for (int i = records.Count - 1; i >= 0; i--)
        {
            if (records[i] is WalEndHeight end)
            {
                if (end.Height >= start.Height)
                {
                    throw new ArgumentException($"the WAL already ended height {end.Height}; cannot replay height {start.Height}", nameof(start));
                }
                first = i + 1;
                break;
            }
        }

        var rebroadcast = new List<ConsensusAction>();
        var pending = new List<ConsensusAction>();
        pending.AddRange(machine.Handle(start).Actions);
        int replayed = 0;
        for (int i = first; i < records.Count; i++)
        {
            switch (records[i])
            {
                case WalEvent recorded:
                    pending.AddRange(ReplayOne(machine, recorded.Event));
                    replayed++;
                    break;
                case WalOwnProposal own:
                    rebroadcast.Add(new BroadcastProposal(own.Proposal));
                    break;
                case WalOwnVote own:
                    rebroadcast.Add(new BroadcastVote(own.Vote));
                    break;
            }
        }
        // Records compare by value, so a broadcast the replay reproduced is dropped in favour of the WAL's copy.
        pending.RemoveAll(rebroadcast.Contains);
        return new WalReplayResult([.. rebroadcast, .. pending], replayed);
    }

    private static IReadOnlyList<ConsensusAction> ReplayOne(TendermintMachine machine, ConsensusEvent consensusEvent)
    {
        ConsensusOutput output;
        try
        {
            output = machine.Handle(consensusEvent);
        }
        catch (DoubleSignException)
        {
            // The live machine was refused at this same point (see ConsensusWal.Handle); stopping here again keeps the states equal.
            return [];
        }
        if (output.Rejected is { } rejection)
        {
            throw new InvalidOperationException($"replayed {consensusEvent.GetType().Name} was refused ({rejection.Reason}: {rejection.Message}); the WAL is not from this machine's history");
        }
        return output.Actions;
    }
}
