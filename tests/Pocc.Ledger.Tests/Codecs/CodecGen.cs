using CsCheck;
using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Encoding;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.State;
using Pocc.Ledger.Transactions;

namespace Pocc.Ledger.Tests.Codecs;

/// <summary>Generators of arbitrary consensus objects (not necessarily valid on a chain: the codec must carry any value).</summary>
internal static class CodecGen
{
    // Edge values are where fixed-width encodings go wrong, so they come up often.
    public static readonly Gen<ulong> U64 = Gen.Frequency((3, Gen.ULong), (1, Gen.OneOf(Gen.Const(0UL), Gen.Const(1UL), Gen.Const(ulong.MaxValue))));

    public static readonly Gen<ChainId> ChainIds =
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"].Array[1, ChainId.MaxLength].Select(chars => new ChainId(new string(chars)));

    public static readonly Gen<Hash32> Hashes = Gen.Byte.Array[Hash32.Size].Select(bytes => new Hash32(bytes));

    public static readonly Gen<Address> Addresses = Gen.Byte.Array[Address.Size].Select(bytes => new Address(bytes));

    public static readonly Gen<PublicKey> PublicKeys = Gen.Byte.Array[PublicKey.Size].Select(bytes => new PublicKey(bytes));

    public static readonly Gen<Signature> Signatures = Gen.Byte.Array[Signature.Size].Select(bytes => new Signature(bytes));

    /// <summary>Structurally any vote the codec accepts; the signature is random bytes.</summary>
    public static readonly Gen<Vote> Votes = Gen.Select(Gen.OneOf(Gen.Const(VoteType.Prevote), Gen.Const(VoteType.Precommit)), U64, Gen.Int[0, int.MaxValue],
        Gen.Select(Gen.Bool, Hashes, (some, hash) => some ? hash : (Hash32?)null), Addresses, Signatures,
        (type, height, round, hash, validator, signature) => new Vote(type, new Height(height), round, hash, validator, signature));

    public static readonly Gen<TransactionPayload> Payloads = Gen.OneOf(
        Gen.Select(Addresses, U64, (to, amount) => (TransactionPayload)new Transfer(to, new Amount(amount))),
        U64.Select(amount => (TransactionPayload)new Bond(new Amount(amount))),
        U64.Select(amount => (TransactionPayload)new Unbond(new Amount(amount))),
        Gen.Select(Votes, Votes, (first, second) => (TransactionPayload)new SubmitEvidence(new DuplicateVoteEvidence(first, second))),
        Gen.Const<TransactionPayload>(new Unjail()));

    public static readonly Gen<Transaction> Transactions = Gen.Select(ChainIds, PublicKeys, U64, U64, Payloads,
        (chainId, sender, nonce, fee, payload) => new Transaction(chainId, sender, nonce, new Amount(fee), payload));

    public static readonly Gen<SignedTransaction> SignedTransactions = Gen.Select(Transactions, Signatures, (tx, signature) => new SignedTransaction(tx, signature));

    public static readonly Gen<VrfProof> VrfProofs = Gen.Byte.Array[VrfProof.Size].Select(bytes => new VrfProof(bytes));

    public static readonly Gen<BlockHeader> BlockHeaders = Gen.Select(
        Gen.Select(ChainIds, U64, U64, Hashes, Hashes, Hashes, Gen.UInt, Hashes, Addresses,
            (chainId, height, time, previous, lastCommit, txRoot, txCount, stateRoot, proposer) =>
                new BlockHeader(chainId, new Height(height), time, previous, lastCommit, txRoot, txCount, stateRoot, proposer, default)),
        VrfProofs,
        (header, beaconProof) => header with { BeaconProof = beaconProof });

    public static readonly Gen<Block> Blocks = Gen.Select(BlockHeaders, SignedTransactions.Array[0, 4], (header, txs) => new Block(header, txs));

    /// <summary>Signatures sorted by validator address without repeats, as the canonical form requires.</summary>
    public static readonly Gen<Commit> Commits = Gen.Select(U64, Gen.UInt, Hashes, Gen.Select(Addresses, Signatures).Array[0, 6],
        (height, round, blockHash, signatures) => new Commit(new Height(height), round, blockHash,
            [.. signatures.DistinctBy(s => s.Item1).OrderBy(s => s.Item1).Select(s => new CommitSignature(s.Item1, s.Item2))]));

    /// <summary>Punished offences sorted without repeats, as the canonical form requires.</summary>
    public static readonly Gen<Validator> Validators = Gen.Select(PublicKeys, Gen.Bool, U64, U64, Gen.Select(U64, Gen.UInt).Array[0, 8], U64, Gen.Bool,
        (key, jailed, credit, mark, punished, jailedAt, benched) => new Validator(key, jailed)
        {
            ComputeCredit = credit,
            ComputeMark = mark,
            Punished = [.. punished.Select(p => new EquivocationKey(p.Item1, p.Item2)).Distinct().Order()],
            JailedAt = jailedAt,
            Benched = benched,
        });

    /// <summary>Unbonding entries sorted by release height, as the canonical form requires.</summary>
    public static readonly Gen<Account> Accounts = Gen.Select(U64, U64, U64, Gen.Select(U64, U64).Array[0, Account.MaxUnbondingEntries],
        (balance, nonce, bonded, entries) => new Account(new Amount(balance), nonce, new Amount(bonded),
            [.. entries.OrderBy(e => e.Item2).Select(e => new UnbondingEntry(new Amount(e.Item1), new Height(e.Item2)))]));
}

/// <summary>One object type's canonical codec, seen as bytes: valid encodings, and decode-then-encode.</summary>
internal sealed record Codec(string Name, Gen<byte[]> Encodings, Func<byte[], byte[]> DecodeAndEncode)
{
    public static readonly IReadOnlyDictionary<string, Codec> All = new Codec[]
    {
        new("SignedTransaction", CodecGen.SignedTransactions.Select(tx => Canonical.Encode(tx)),
            bytes => Canonical.Encode(SignedTransaction.Decode(bytes))),
        new("BlockHeader", CodecGen.BlockHeaders.Select(header => Canonical.Encode(header)),
            bytes => Canonical.Encode(Canonical.Decode<BlockHeader>(bytes, BlockHeader.MaxEncodedSize))),
        new("Block", CodecGen.Blocks.Select(block => block.Encode()),
            bytes => Block.Decode(bytes).Encode()),
        new("Commit", CodecGen.Commits.Select(commit => Canonical.Encode(commit)),
            bytes => Canonical.Encode(Canonical.Decode<Commit>(bytes, Commit.MaxEncodedSize))),
        new("Account", CodecGen.Accounts.Select(account => account.Encode()),
            bytes => Account.Decode(bytes).Encode()),
        new("Validator", CodecGen.Validators.Select(validator => validator.Encode()),
            bytes => Validator.Decode(bytes).Encode()),
    }.ToDictionary(codec => codec.Name);

    public static TheoryData<string> Names => [.. All.Keys];

    /// <summary>Null if <paramref name="bytes"/> decode; the <see cref="CodecException"/> if not; any other exception fails the test with the input.</summary>
    public CodecException? TryDecode(byte[] bytes, out byte[]? reencoded)
    {
        reencoded = null;
        try
        {
            reencoded = DecodeAndEncode(bytes);
            return null;
        }
        catch (CodecException e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{Name} decoding threw {e.GetType().Name} instead of CodecException for input {Convert.ToHexString(bytes)}: {e}");
        }
    }

    public CodecException DecodeFails(byte[] bytes)
    {
        var error = TryDecode(bytes, out _);
        return error ?? throw new Xunit.Sdk.XunitException($"{Name} decoding accepted {Convert.ToHexString(bytes)}");
    }

    public override string ToString() => Name;
}
