using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Ledger.Transactions;

namespace Pocc.Simulation;

public sealed partial class Simulation
{
    /// <summary>
    /// What a Byzantine validator sends instead of what its (honest) core asks for: it withholds votes, signs a
    /// second, conflicting vote for some peers, proposes blocks the ledger must refuse (a wrong state root, a
    /// transfer with a bad nonce, a compute result for a task that does not exist), and sends some peers a corrupted
    /// part of its block. Under <see cref="Sabotage.SplitVotes"/> the Byzantine validators act together to split the
    /// honest ones.
    /// </summary>
    private sealed class ByzantineSink(Simulation simulation, SimulatedValidator node) : IConsensusSink
    {
        // This node's own proposal, held until its parts (which the core sends right after it) make the block.
        private (ProposalMessage Message, BlockPartSet Parts)? _proposing;

        public void Broadcast(ConsensusMessage message)
        {
            switch (message)
            {
                case VoteMessage vote:
                    SendVote(vote.Vote);
                    break;
                case ProposalMessage proposal when proposal.Proposal.Proposer == node.Key.Address:
                    _proposing = (proposal, new BlockPartSet(proposal.Proposal.Parts));
                    break;
                case BlockPartMessage part when _proposing is { } own && part.Height == own.Message.Height && part.Round == own.Message.Proposal.Round:
                    own.Parts.Add(part, out _);
                    if (own.Parts.IsComplete)
                    {
                        _proposing = null;
                        SendProposal(own.Message, own.Parts.Decode()!);
                    }
                    break;
                default:
                    simulation.Broadcast(node.Index, message);
                    break;
            }
        }

        public void Reply(ConsensusMessage request, ConsensusMessage response) => simulation.Send(node.Index, node.CurrentSender, response);

        // A faulty validator's judgement of its peers changes nothing the simulation checks.
        public void ReportInvalid(ConsensusMessage received, string reason)
        {
        }

        private Random Random => simulation._random;

        private void SendVote(Vote vote)
        {
            if (simulation._options.Sabotage == Sabotage.SplitVotes && simulation._splits.TryGetValue((vote.Height, vote.Round), out var split))
            {
                SendSplit(Sign(vote, split.Left), Sign(vote, split.Right));
                return;
            }
            int roll = Random.Next(100);
            if (roll < 20)
            {
                return;
            }
            if (roll < 45 && simulation._options.Equivocate)
            {
                // Two different signed votes for one step: some peers get one, the rest the other.
                var other = Sign(vote, vote.BlockHash is null ? simulation.RandomHash() : null);
                foreach (var peer in simulation._nodes.Where(n => n.Index != node.Index))
                {
                    simulation.Send(node.Index, peer.Index, Random.Next(2) == 0 ? new VoteMessage(vote) : other);
                }
                return;
            }
            simulation.Broadcast(node.Index, new VoteMessage(vote));
        }

        private void SendProposal(ProposalMessage message, Block block)
        {
            var proposal = message.Proposal;
            if (simulation._options.Sabotage == Sabotage.SplitVotes)
            {
                // A second valid block (another timestamp) for the other half of the honest validators.
                var twin = new Block(Header(block.Header, timestampMs: block.Header.TimestampMs + 1), block.Transactions);
                simulation._splits[(proposal.Height, proposal.Round)] = (proposal.BlockHash, twin.Hash);
                SendSplit(WithParts(message, block), WithParts(message, twin));
                return;
            }
            switch (Random.Next(3))
            {
                case 0:
                    SendAll(WithParts(message, block));
                    break;
                case 1:
                    SendAll(WithParts(message, Tamper(block)));
                    break;
                default:
                    // One part with a flipped byte for about half the peers: they refuse it and get it whole by relay.
                    var messages = WithParts(message, block);
                    int corrupted = 1 + Random.Next(messages.Count - 1);
                    var part = (BlockPartMessage)messages[corrupted];
                    byte[] bytes = [.. part.Bytes];
                    bytes[Random.Next(bytes.Length)] ^= 0xFF;
                    var bad = messages.ToArray();
                    bad[corrupted] = part with { Bytes = bytes };
                    SendSplit(messages, bad);
                    break;
            }
        }

        /// <summary><paramref name="message"/> signed again for <paramref name="block"/> (unless it already names it), then its parts.</summary>
        private List<ConsensusMessage> WithParts(ProposalMessage message, Block block)
        {
            var parts = BlockPartSet.FromBlock(block);
            var proposal = message.Proposal.BlockHash == block.Hash ? message.Proposal : SignProposal(message.Proposal, block.Hash, parts.Header);
            return [message with { Proposal = proposal }, .. parts.Messages(proposal.Height, proposal.Round)];
        }

        private void SendAll(List<ConsensusMessage> messages)
        {
            foreach (var message in messages)
            {
                simulation.Broadcast(node.Index, message);
            }
        }

        private Block Tamper(Block block)
        {
            var header = block.Header;
            var account = AccountKeys[Random.Next(AccountKeys.Length)];
            TransactionPayload payload;
            switch (Random.Next(3))
            {
                case 0:
                    return new Block(Header(header, stateRoot: simulation.RandomHash()), block.Transactions);
                case 1:
                    payload = new Transfer(Outsider.Address, new Amount(1));
                    break;
                default:
                    // A compute result for a task nobody posted: the ledger must refuse the block.
                    payload = new CommitResult((ulong)Random.Next(1_000, 1_000_000), new BlobRef(simulation.RandomHash(), 64));
                    break;
            }
            var tx = new Transaction(simulation._chainId, account.PublicKey, 1_000_000 + (ulong)Random.Next(1_000), new Amount(1), payload);
            SignedTransaction[] transactions = [.. block.Transactions, new SignedTransaction(tx, account.Sign(tx.SigningBytes()))];
            return new Block(Header(header, transactionsRoot: Block.ComputeTransactionsRoot(transactions), transactionCount: (uint)transactions.Length), transactions);
        }

        /// <summary>Sends <paramref name="left"/> to the left half of the honest validators and <paramref name="right"/> to everyone else.</summary>
        private void SendSplit(ConsensusMessage left, ConsensusMessage right) => SendSplit([left], [right]);

        private void SendSplit(IReadOnlyList<ConsensusMessage> left, IReadOnlyList<ConsensusMessage> right)
        {
            foreach (var peer in simulation._nodes.Where(n => n.Index != node.Index))
            {
                foreach (var message in simulation._left.Contains(peer.Index) ? left : right)
                {
                    simulation.Send(node.Index, peer.Index, message);
                }
            }
        }

        private VoteMessage Sign(Vote vote, Hash32? blockHash) =>
            new(Vote.Sign(simulation._chainId, vote.Type, vote.Height, vote.Round, blockHash, node.Key));

        private Proposal SignProposal(Proposal proposal, Hash32 blockHash, PartSetHeader parts) =>
            Proposal.Sign(simulation._chainId, proposal.Height, proposal.Round, blockHash, parts, proposal.ValidRound, node.Key);

        private static BlockHeader Header(BlockHeader header, ulong? timestampMs = null, Hash32? transactionsRoot = null, uint? transactionCount = null, Hash32? stateRoot = null) =>
            new(header.ChainId, header.Height, timestampMs ?? header.TimestampMs, header.PreviousHash, header.LastCommitHash,
                transactionsRoot ?? header.TransactionsRoot, transactionCount ?? header.TransactionCount, stateRoot ?? header.StateRoot, header.Proposer, header.BeaconProof);
    }
}
