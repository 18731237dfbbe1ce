using System.Collections.Immutable;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;

namespace Pocc.Ledger.State;

/// <summary>An account's state. Immutable: every change makes a new value, so a failed transaction cannot leave a half-changed account.</summary>
public sealed record Account(Amount Balance, ulong Nonce, Amount Bonded, ImmutableArray<UnbondingEntry> Unbonding)
{
    public const byte Version = 1;

    /// <summary>Bounds the unbonding queue so the account's encoding (and the work to release it) stays small.</summary>
    public const int MaxUnbondingEntries = 16;

    public static readonly Account Empty = new(Amount.Zero, 0, Amount.Zero, []);

    public bool IsEmpty => Balance == Amount.Zero && Nonce == 0 && Bonded == Amount.Zero && Unbonding.IsEmpty;

    /// <summary>Everything the account holds: balance, bonded stake and stake still unbonding.</summary>
    public Amount Holdings
    {
        get
        {
            var total = Balance + Bonded;
            foreach (var entry in Unbonding)
            {
                total += entry.Amount;
            }
            return total;
        }
    }

    public void Write(ref CanonicalWriter writer)
    {
        writer.WriteU8(Version);
        writer.WriteU64(Balance.Value);
        writer.WriteU64(Nonce);
        writer.WriteU64(Bonded.Value);
        writer.WriteLength(Unbonding.Length);
        foreach (var entry in Unbonding)
        {
            writer.WriteU64(entry.Amount.Value);
            writer.WriteU64(entry.ReleaseHeight.Value);
        }
    }

    public static Account Read(ref CanonicalReader reader)
    {
        reader.ReadVersion(Version, "account");
        var balance = new Amount(reader.ReadU64());
        ulong nonce = reader.ReadU64();
        var bonded = new Amount(reader.ReadU64());
        int count = reader.ReadLength(MaxUnbondingEntries);
        var unbonding = ImmutableArray.CreateBuilder<UnbondingEntry>(count);
        Height previous = Height.Genesis;
        for (int i = 0; i < count; i++)
        {
            var entry = new UnbondingEntry(new Amount(reader.ReadU64()), new Height(reader.ReadU64()));
            // The queue is kept sorted by release height; any other order is a second encoding of the same account.
            if (entry.ReleaseHeight < previous)
            {
                throw new CodecException(CodecException.NonCanonical, "unbonding entries out of order");
            }
            previous = entry.ReleaseHeight;
            unbonding.Add(entry);
        }
        return new Account(balance, nonce, bonded, unbonding.MoveToImmutable());
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(64);
        Write(ref writer);
        return writer.ToArray();
    }

    public static Account Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        var account = Read(ref reader);
        reader.EnsureEnd();
        return account;
    }
}
