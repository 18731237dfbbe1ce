using Pocc.Ledger.Consensus;
using System.Buffers.Binary;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Consensus.Wal;

/// <summary>
/// The consensus write-ahead log: an append-only file of what the machine accepted and what this validator signed
/// at the current height, so that after a crash a fresh <see cref="TendermintMachine"/> can be brought back to the
/// same lock and valid value (<see cref="WalReplay"/>) instead of starting the height with no memory.
/// </summary>
/// <remarks>
/// Each record is <c>u32 payload length ‖ u32 CRC-32C of (type ‖ payload) ‖ u8 type ‖ payload</c>, little-endian.
/// A crash can only damage the record being appended, so a bad record that reaches the end of the file (or is
/// followed by nothing but zeros, as an unflushed extent reads after power loss) is a torn tail and is cut off on
/// open; a bad record with intact bytes after it means the disk or someone else changed the file, and is a
/// <see cref="WalCorruptException"/>. <see cref="EndHeight"/> replaces the file with just its marker, so the log
/// only ever holds one height. The file is locked while open, so a second node cannot share it. Not thread-safe: the
/// consensus loop owns it.
/// </remarks>
public sealed class ConsensusWal : IDisposable
{
    public const int RecordHeaderSize = 4 + 4 + 1;

    private readonly string _path;
    private FileStream _file;

    private ConsensusWal(string path, FileStream file, IReadOnlyList<WalRecord> records, long truncatedBytes)
    {
        _path = path;
        _file = file;
        Records = records;
        TruncatedBytes = truncatedBytes;
    }

    /// <summary>The records found on open, in order: at most an end-of-height marker, then the current height's records.</summary>
    public IReadOnlyList<WalRecord> Records { get; }

    /// <summary>How many bytes of torn tail were cut off on open (0 after a clean shutdown).</summary>
    public long TruncatedBytes { get; }

    /// <summary>How many times this log was synced to disk since it was opened: each costs the consensus loop a disk flush.</summary>
    public long Syncs { get; private set; }

    /// <summary>Opens (or creates) the log at <paramref name="path"/>, reads every record and cuts off a torn tail.</summary>
    /// <exception cref="WalCorruptException">A record before the tail is damaged.</exception>
    public static ConsensusWal Open(string path)
    {
        path = Path.GetFullPath(path);
        bool existed = File.Exists(path);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            if (!existed)
            {
                DurableFile.SyncDirectoryOf(path);
            }
            var contents = new byte[file.Length];
            file.ReadExactly(contents);
            var (records, validLength) = ReadRecords(path, contents);
            if (validLength < contents.Length)
            {
                file.SetLength(validLength);
                file.Flush(flushToDisk: true);
            }
            file.Seek(validLength, SeekOrigin.Begin);
            return new ConsensusWal(path, file, records, contents.Length - validLength);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends one record. It reaches the OS before this returns, and the disk too when <see cref="WalRecord.MustBeDurable"/>
    /// (which also makes every earlier record durable, so the events that led to a signature survive with it).
    /// </summary>
    public void Append(WalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Append([record]);
    }

    /// <summary>Appends <paramref name="records"/> in order and flushes once: to disk if any of them must be durable.</summary>
    private void Append(List<WalRecord> records)
    {
        bool durable = false;
        foreach (var record in records)
        {
            _file.Write(Frame(record));
            durable |= record.MustBeDurable;
        }
        _file.Flush(flushToDisk: durable);
        Syncs += durable ? 1 : 0;
    }

    /// <summary>
    /// Hands <paramref name="consensusEvent"/> to <paramref name="machine"/> and records what that produced: the event
    /// if the machine accepted it (a <see cref="Start"/> never is: the host rebuilds it on restart), then every message
    /// the machine signed in response, all with one disk sync (a proposer signs its proposal and its prevote on one event).
    /// Perform the returned actions only after this returns.
    /// </summary>
    /// <remarks>
    /// Only accepted events are logged, so the log is written after handling. A crash between the machine signing and
    /// the log write loses the event but not the signature, which <see cref="GuardedSigner"/> stored first: the
    /// restarted machine may then want to sign that step differently, and the guard refuses with a
    /// <see cref="DoubleSignException"/> thrown out of the machine. The machine had accepted the event and changed
    /// state before it asked to sign, so the event is logged all the same before the exception goes on to the host;
    /// <see cref="WalReplay"/> meets the same refusal at the same point and so rebuilds the same state.
    /// </remarks>
    /// <exception cref="DoubleSignException">The guard refused a signature the machine asked for; this validator stays silent in that step.</exception>
    public ConsensusOutput Handle(TendermintMachine machine, ConsensusEvent consensusEvent)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(consensusEvent);
        ConsensusOutput output;
        try
        {
            output = machine.Handle(consensusEvent);
        }
        catch (DoubleSignException) when (consensusEvent is not Start)
        {
            Append(new WalEvent(consensusEvent));
            throw;
        }
        var records = new List<WalRecord>(2);
        if (output.Accepted && consensusEvent is not Start)
        {
            records.Add(new WalEvent(consensusEvent));
        }
        foreach (var action in output.Actions)
        {
            switch (action)
            {
                case BroadcastProposal broadcast:
                    records.Add(new WalOwnProposal(broadcast.Proposal));
                    break;
                case BroadcastVote broadcast:
                    records.Add(new WalOwnVote(broadcast.Vote));
                    break;
            }
        }
        if (records.Count > 0)
        {
            Append(records);
        }
        return output;
    }

    /// <summary>
    /// Marks <paramref name="height"/> as committed and drops its records: the file is atomically replaced by one holding
    /// only the marker, so the log never grows past one height. Call it once the block is durably stored.
    /// </summary>
    public void EndHeight(Height height)
    {
        _file.Dispose();
        DurableFile.Replace(_path, Frame(new WalEndHeight(height)));
        Syncs++;
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        _file.Seek(0, SeekOrigin.End);
    }

    public void Dispose() => _file.Dispose();

    private static byte[] Frame(WalRecord record)
    {
        var writer = new CanonicalWriter(256);
        writer.WriteFixed(stackalloc byte[RecordHeaderSize]);
        byte type = WalRecordCodec.Encode(record, ref writer);
        var frame = writer.ToArray();
        int payloadLength = frame.Length - RecordHeaderSize;
        if (payloadLength > WalRecordCodec.MaxPayloadSize)
        {
            throw new ArgumentException($"WAL record of {payloadLength} bytes exceeds {WalRecordCodec.MaxPayloadSize}", nameof(record));
        }
        frame[8] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32C.Compute(frame.AsSpan(8)));
        return frame;
    }

    private static (IReadOnlyList<WalRecord> Records, long ValidLength) ReadRecords(string path, byte[] contents)
    {
        var records = new List<WalRecord>();
        int position = 0;
        while (position < contents.Length)
        {
            var remaining = contents.AsSpan(position);
            if (remaining.Length < RecordHeaderSize)
            {
                return (records, position);
            }
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(remaining);
            uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(remaining[4..]);
            long recordEnd = position + RecordHeaderSize + (long)payloadLength;
            bool intact = payloadLength <= WalRecordCodec.MaxPayloadSize && recordEnd <= contents.Length &&
                Crc32C.Compute(remaining[8..(RecordHeaderSize + (int)payloadLength)]) == checksum;
            if (!intact)
            {
                // An append cut short leaves a prefix of a well-formed record; unflushed pages lost to a power cut read as zeros.
                bool lastRecord = payloadLength <= WalRecordCodec.MaxPayloadSize &&
                    (recordEnd >= contents.Length || !contents.AsSpan((int)recordEnd).ContainsAnyExcept((byte)0));
                if (lastRecord || !remaining.ContainsAnyExcept((byte)0))
                {
                    return (records, position);
                }
                throw new WalCorruptException(WalCorruptException.CorruptRecord, path, position, "record fails its checksum and is not the last one");
            }
            try
            {
                records.Add(WalRecordCodec.Decode(remaining[8], remaining[RecordHeaderSize..(RecordHeaderSize + (int)payloadLength)]));
            }
            catch (CodecException e)
            {
                // The checksum matched, so these are the bytes that were written: not a torn write, a bug or another version.
                throw new WalCorruptException(WalCorruptException.CorruptRecord, path, position, $"record cannot be decoded: {e.Message}", e);
            }
            position = (int)recordEnd;
        }
        return (records, position);
    }
}
