using Pocc.Ledger.Consensus;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Wal;

/// <summary>One entry of the <see cref="ConsensusWal"/>.</summary>
public abstract record WalRecord
{
    /// <summary>Records whose loss could make a restarted validator forget what it sent; they are fsynced before <see cref="ConsensusWal.Append"/> returns.</summary>
    public abstract bool MustBeDurable { get; }
}

/// <summary>
/// An event the machine accepted: a proposal, vote, timeout, validation answer or value. <see cref="Start"/> is never
/// recorded; the host rebuilds it from the chain on restart.
/// </summary>
public sealed record WalEvent : WalRecord
{
    public WalEvent(ConsensusEvent consensusEvent)
    {
        if (consensusEvent is not (ProposalReceived or VoteReceived or TimeoutElapsed or ProposalValidated or ValueReady))
        {
            throw new ArgumentException($"{consensusEvent?.GetType().Name} is not a recordable consensus event", nameof(consensusEvent));
        }
        Event = consensusEvent;
    }

    public ConsensusEvent Event { get; }

    public override bool MustBeDurable => false;
}

/// <summary>A proposal this validator signed and is about to broadcast.</summary>
public sealed record WalOwnProposal(Proposal Proposal) : WalRecord
{
    public override bool MustBeDurable => true;
}

/// <summary>A vote this validator signed and is about to broadcast.</summary>
public sealed record WalOwnVote(Vote Vote) : WalRecord
{
    public override bool MustBeDurable => true;
}

/// <summary>The block of <see cref="Height"/> is committed; records before this marker are never replayed.</summary>
public sealed record WalEndHeight(Height Height) : WalRecord
{
    public override bool MustBeDurable => true;
}

/// <summary>The type byte and payload of each record kind; payloads reuse the messages' canonical encodings.</summary>
internal static class WalRecordCodec
{
    public const int MaxPayloadSize = 1024;

    private const byte ProposalReceivedType = 1;
    private const byte VoteReceivedType = 2;
    private const byte TimeoutElapsedType = 3;
    private const byte ProposalValidatedType = 4;
    private const byte ValueReadyType = 5;
    private const byte OwnProposalType = 6;
    private const byte OwnVoteType = 7;
    private const byte EndHeightType = 8;

    public static byte Encode(WalRecord record, ref CanonicalWriter writer)
    {
        switch (record)
        {
            case WalEvent { Event: ProposalReceived received }:
                received.Proposal.Write(ref writer);
                return ProposalReceivedType;
            case WalEvent { Event: VoteReceived received }:
                received.Vote.Write(ref writer);
                return VoteReceivedType;
            case WalEvent { Event: TimeoutElapsed timeout }:
                writer.WriteU8((byte)timeout.Kind);
                writer.WriteU64(timeout.Height.Value);
                writer.WriteU32(checked((uint)timeout.Round));
                return TimeoutElapsedType;
            case WalEvent { Event: ProposalValidated validated }:
                writer.WriteU64(validated.Height.Value);
                writer.WriteHash(validated.BlockHash);
                writer.WriteBool(validated.Valid);
                return ProposalValidatedType;
            case WalEvent { Event: ValueReady ready }:
                writer.WriteU64(ready.Height.Value);
                writer.WriteU32(checked((uint)ready.Round));
                writer.WriteHash(ready.BlockHash);
                ready.Parts.Write(ref writer);
                return ValueReadyType;
            case WalOwnProposal own:
                own.Proposal.Write(ref writer);
                return OwnProposalType;
            case WalOwnVote own:
                own.Vote.Write(ref writer);
                return OwnVoteType;
            case WalEndHeight end:
                writer.WriteU64(end.Height.Value);
                return EndHeightType;
            default:
                throw new ArgumentException($"unknown WAL record {record.GetType().Name}", nameof(record));
        }
    }

    /// <exception cref="CodecException">The payload is not a record of this type.</exception>
    public static WalRecord Decode(byte type, ReadOnlySpan<byte> payload)
    {
        var reader = new CanonicalReader(payload);
        WalRecord record = type switch
        {
            ProposalReceivedType => new WalEvent(new ProposalReceived(Proposal.Read(ref reader))),
            VoteReceivedType => new WalEvent(new VoteReceived(Vote.Read(ref reader))),
            TimeoutElapsedType => new WalEvent(ReadTimeout(ref reader)),
            ProposalValidatedType => new WalEvent(new ProposalValidated(new Height(reader.ReadU64()), reader.ReadHash(), reader.ReadBool())),
            ValueReadyType => new WalEvent(new ValueReady(new Height(reader.ReadU64()), Vote.ReadRound(ref reader), reader.ReadHash(), PartSetHeader.Read(ref reader))),
            OwnProposalType => new WalOwnProposal(Proposal.Read(ref reader)),
            OwnVoteType => new WalOwnVote(Vote.Read(ref reader)),
            EndHeightType => new WalEndHeight(new Height(reader.ReadU64())),
            _ => throw new CodecException(CodecException.InvalidValue, $"unknown WAL record type {type}"),
        };
        reader.EnsureEnd();
        return record;
    }

    private static TimeoutElapsed ReadTimeout(ref CanonicalReader reader)
    {
        byte kind = reader.ReadU8();
        if (kind is not ((byte)TimeoutKind.Propose or (byte)TimeoutKind.Prevote or (byte)TimeoutKind.Precommit))
        {
            throw new CodecException(CodecException.InvalidValue, $"unknown timeout kind {kind}");
        }
        return new TimeoutElapsed((TimeoutKind)kind, new Height(reader.ReadU64()), Vote.ReadRound(ref reader));
    }
}
