using Pocc.Core.Addressing;
using Pocc.Core.Crypto;
using Pocc.Core.Crypto.Vrf;
using Pocc.Core.Hashing;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Transactions;

namespace Pocc.Consensus.Tendermint;

/// <summary>
/// Signs this validator's own proposals and votes. The state machine calls it for every message it emits, so a
/// guard against double-signing after a crash (the WAL's job) can wrap it without the machine knowing.
/// </summary>
public interface IConsensusSigner
{
    Address Address { get; }

    Vote SignVote(ChainId chainId, VoteType type, Height height, int round, Hash32? blockHash);

    Proposal SignProposal(ChainId chainId, Height height, int round, Hash32 blockHash, PartSetHeader parts, int validRound);

    /// <summary>The VRF proof of this validator's key over <paramref name="alpha"/>, for the beacon in a block it proposes.</summary>
    VrfProof ProveBeacon(ReadOnlySpan<byte> alpha);

    /// <summary>A transaction from this validator's account (evidence it saw), signed with its key.</summary>
    SignedTransaction SignTransaction(ChainId chainId, ulong nonce, Amount fee, TransactionPayload payload);
}

/// <summary>Signs with an in-memory Ed25519 key.</summary>
public sealed class KeyPairConsensusSigner(KeyPair key) : IConsensusSigner
{
    public Address Address => key.Address;

    public Vote SignVote(ChainId chainId, VoteType type, Height height, int round, Hash32? blockHash) =>
        Vote.Sign(chainId, type, height, round, blockHash, key);

    public Proposal SignProposal(ChainId chainId, Height height, int round, Hash32 blockHash, PartSetHeader parts, int validRound) =>
        Proposal.Sign(chainId, height, round, blockHash, parts, validRound, key);

    public VrfProof ProveBeacon(ReadOnlySpan<byte> alpha) => Ecvrf.Prove(key, alpha);

    public SignedTransaction SignTransaction(ChainId chainId, ulong nonce, Amount fee, TransactionPayload payload) =>
        new Transaction(chainId, key.PublicKey, nonce, fee, payload).Sign(key);
}
