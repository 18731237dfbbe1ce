using Pocc.Ledger.Consensus;
using System.Buffers.Binary;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Consensus.Wal;

/// <summary>One signature the guard gave at its <see cref="GuardedSigner.LastHeight"/>: the exact bytes signed and the message returned.</summary>
public sealed record GuardedSignature(SignStep Step, int Round, ReadOnlyMemory<byte> SigningBytes, ReadOnlyMemory<byte> Message);

/// <summary>
/// Double-sign protection: wraps a signer so that this validator never signs two different things for one height,
/// round and step, nor anything for an earlier (height, round, step) than it already signed, even across a crash.
/// Asking again for exactly what was signed returns the same message, so a replay after a restart re-broadcasts
/// instead of failing.
/// </summary>
/// <remarks>
/// What was signed at the latest height is kept in its own small state file, which is replaced atomically (write a
/// temp file, fsync, rename, fsync the directory) before a signature is handed out. It is separate from the
/// <see cref="ConsensusWal"/> because it must outlive the WAL's rotation and must be the one thing a validator never
/// loses; whole-file replacement means the file is always one complete state, so any damage in it is a real
/// <see cref="WalCorruptException"/>, never a torn write to be shrugged off. File format, little-endian:
/// <c>"PoCCSGN\0" ‖ u8 version ‖ u64 height ‖ u32 count ‖ count × (u8 step ‖ u32 round ‖ u32 len ‖ signing bytes ‖
/// u32 len ‖ message) ‖ u32 CRC-32C of all before it</c>, where the message is the canonical encoding of the
/// <see cref="Vote"/> or <see cref="Proposal"/>. Thread-safe.
/// </remarks>
public sealed class GuardedSigner : IConsensusSigner
{
    private const byte FormatVersion = 1;
    private const int MaxSigningBytes = 1024;

    private static readonly byte[] Magic = "PoCCSGN\0"u8.ToArray();

    private readonly IConsensusSigner _inner;
    private readonly string _path;
    private readonly Lock _lock = new();
    private List<GuardedSignature> _signed;

    /// <summary>Loads the state at <paramref name="stateFile"/>; a missing file means this validator has signed nothing yet.</summary>
    /// <exception cref="WalCorruptException">The state file is damaged.</exception>
    public GuardedSigner(IConsensusSigner inner, string stateFile)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _path = Path.GetFullPath(stateFile);
        (LastHeight, _signed) = File.Exists(_path) ? Load(_path) : (default, []);
    }

    public Address Address => _inner.Address;

    /// <summary>The highest height signed at (0 before the first signature).</summary>
    public Height LastHeight { get; private set; }

    /// <summary>Everything signed at <see cref="LastHeight"/>, in signing order.</summary>
    public IReadOnlyList<GuardedSignature> SignedAtLastHeight
    {
        get
        {
            lock (_lock)
            {
                return _signed.ToArray();
            }
        }
    }

    /// <exception cref="DoubleSignException">The vote conflicts with, or comes before, one already signed.</exception>
    public Vote SignVote(ChainId chainId, VoteType type, Height height, int round, Hash32? blockHash)
    {
        var step = type == VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit;
        var message = Sign(height, round, step, Vote.SigningBytes(chainId, type, height, round, blockHash),
            () => Canonical.Encode(_inner.SignVote(chainId, type, height, round, blockHash)));
        return Vote.Decode(message.Span);
    }

    /// <exception cref="DoubleSignException">The proposal conflicts with, or comes before, one already signed.</exception>
    public Proposal SignProposal(ChainId chainId, Height height, int round, Hash32 blockHash, PartSetHeader parts, int validRound)
    {
        var message = Sign(height, round, SignStep.Proposal, Proposal.SigningBytes(chainId, height, round, blockHash, parts, validRound),
            () => Canonical.Encode(_inner.SignProposal(chainId, height, round, blockHash, parts, validRound)));
        return Proposal.Decode(message.Span);
    }

    /// <summary>
    /// Forwarded unguarded: an ECVRF proof is a deterministic function of the key and alpha, so proving twice (even
    /// after a crash) yields the same proof and cannot equivocate; the proposal that carries the block is guarded.
    /// </summary>
    public VrfProof ProveBeacon(ReadOnlySpan<byte> alpha) => _inner.ProveBeacon(alpha);

    /// <summary>Forwarded unguarded: a transaction is no consensus message, and its nonce already makes any one spend once.</summary>
    public SignedTransaction SignTransaction(ChainId chainId, ulong nonce, Amount fee, TransactionPayload payload) =>
        _inner.SignTransaction(chainId, nonce, fee, payload);

    private ReadOnlyMemory<byte> Sign(Height height, int round, SignStep step, byte[] signingBytes, Func<byte[]> sign)
    {
        lock (_lock)
        {
            if (height < LastHeight)
            {
                throw Refuse(DoubleSignException.Regression, height, round, step, $"already signed at height {LastHeight}");
            }
            bool sameHeight = height == LastHeight && _signed.Count > 0;
            if (sameHeight)
            {
                if (_signed.Find(s => s.Round == round && s.Step == step) is { } earlier)
                {
                    return earlier.SigningBytes.Span.SequenceEqual(signingBytes)
                        ? earlier.Message
                        : throw Refuse(DoubleSignException.Conflict, height, round, step, "already signed something different");
                }
                // Nothing earlier than the last signature is ever added, so the last one is the furthest along.
                var last = _signed[^1];
                if (round < last.Round || (round == last.Round && step < last.Step))
                {
                    throw Refuse(DoubleSignException.Regression, height, round, step, $"already signed {last.Step} of round {last.Round}");
                }
            }
            var signature = new GuardedSignature(step, round, signingBytes, sign());
            List<GuardedSignature> next = sameHeight ? [.. _signed, signature] : [signature];
            // Durable before the signature leaves this method: a crash after this point cannot make the guard forget it.
            DurableFile.Replace(_path, Serialize(height, next));
            LastHeight = height;
            _signed = next;
            return signature.Message;
        }
    }

    private static DoubleSignException Refuse(string code, Height height, int round, SignStep step, string why) =>
        new(code, height, round, step, $"refused to sign {step} at height {height} round {round}: {why}");

    private static byte[] Serialize(Height height, List<GuardedSignature> signed)
    {
        var writer = new CanonicalWriter(256 * (signed.Count + 1));
        writer.WriteFixed(Magic);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(height.Value);
        writer.WriteLength(signed.Count);
        foreach (var signature in signed)
        {
            writer.WriteU8((byte)signature.Step);
            writer.WriteU32((uint)signature.Round);
            writer.WriteBytes(signature.SigningBytes.Span);
            writer.WriteBytes(signature.Message.Span);
        }
        writer.WriteU32(Crc32C.Compute(writer.WrittenSpan));
        return writer.ToArray();
    }

    private static (Height, List<GuardedSignature>) Load(string path)
    {
        var contents = File.ReadAllBytes(path);
        if (contents.Length < Magic.Length + sizeof(uint) || !contents.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new WalCorruptException(WalCorruptException.CorruptSignerState, path, 0, "not a signer state file");
        }
        var body = contents.AsSpan(0, contents.Length - sizeof(uint));
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(contents.AsSpan(body.Length)))
        {
            throw new WalCorruptException(WalCorruptException.CorruptSignerState, path, body.Length, "checksum mismatch");
        }
        var reader = new CanonicalReader(body[Magic.Length..]);
        try
        {
            reader.ReadVersion(FormatVersion, "signer state");
            var height = new Height(reader.ReadU64());
            int count = reader.ReadLength(body.Length);
            var signed = new List<GuardedSignature>(count);
            for (int i = 0; i < count; i++)
            {
                byte step = reader.ReadU8();
                if (step is not ((byte)SignStep.Proposal or (byte)SignStep.Prevote or (byte)SignStep.Precommit))
                {
                    throw new CodecException(CodecException.InvalidValue, $"unknown step {step}");
                }
                int round = Vote.ReadRound(ref reader);
                var signingBytes = reader.ReadBytes(MaxSigningBytes).ToArray();
                var message = reader.ReadBytes(Math.Max(Vote.MaxEncodedSize, Proposal.MaxEncodedSize)).ToArray();
                signed.Add(new GuardedSignature((SignStep)step, round, signingBytes, message));
            }
            reader.EnsureEnd();
            return (height, signed);
        }
        catch (CodecException e)
        {
            throw new WalCorruptException(WalCorruptException.CorruptSignerState, path, Magic.Length + reader.Position, e.Message, e);
        }
    }
}
