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
    /// second, conflicting vote for some peers, and proposes blocks the ledger must refuse (a wrong state root, a
    /// transfer with a bad nonce, a compute result for a task that does not exist). Under
    /// <see cref="Sabotage.SplitVotes"/> the Byzantine validators act together to split the honest ones.
    /// </summary>
    private sealed class ByzantineSink(Simulation simulation, SimulatedValidator node) : IConsensusSink
    {
        public void Broadcast(ConsensusMessage message)
        {
            switch (message)
            {
                case VoteMessage vote:
                    SendVote(vote.Vote);
                    break;
                case ProposalMessage proposal:
                    SendProposal(proposal);
                    break;
                default:
                    simulation.Broadcast(node.Index, message);
                    break;
            }
        }

        public void Reply(ConsensusMessage request, ConsensusMessage response) => simulation.Send(node.Index, node.CurrentSender, response);

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

        private void SendProposal(ProposalMessage message)
        {
            var proposal = message.Proposal;
            if (simulation._options.Sabotage == Sabotage.SplitVotes)
            {
                // A second valid block (another timestamp) for the other half of the honest validators.
                var twin = new Block(Header(message.Block.Header, timestampMs: message.Block.Header.TimestampMs + 1), message.Block.Transactions);
                simulation._splits[(proposal.Height, proposal.Round)] = (proposal.BlockHash, twin.Hash);
                SendSplit(message, message with { Proposal = SignProposal(proposal, twin.Hash), Block = twin });
                return;
            }
            if (Random.Next(2) == 0)
            {
                simulation.Broadcast(node.Index, message);
                return;
            }
            var bad = Tamper(message.Block);
            simulation.Broadcast(node.Index, message with { Proposal = SignProposal(proposal, bad.Hash), Block = bad });
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
        private void SendSplit(ConsensusMessage left, ConsensusMessage right)
        {
            foreach (var peer in simulation._nodes.Where(n => n.Index != node.Index))
            {
                simulation.Send(node.Index, peer.Index, simulation._left.Contains(peer.Index) ? left : right);
            }
        }

        private VoteMessage Sign(Vote vote, Hash32? blockHash) =>
            new(Vote.Sign(simulation._chainId, vote.Type, vote.Height, vote.Round, blockHash, node.Key));

        private Proposal SignProposal(Proposal proposal, Hash32 blockHash) =>
            Proposal.Sign(simulation._chainId, proposal.Height, proposal.Round, blockHash, proposal.ValidRound, node.Key);

        private static BlockHeader Header(BlockHeader header, ulong? timestampMs = null, Hash32? transactionsRoot = null, uint? transactionCount = null, Hash32? stateRoot = null) =>
            new(header.ChainId, header.Height, timestampMs ?? header.TimestampMs, header.PreviousHash, header.LastCommitHash,
                transactionsRoot ?? header.TransactionsRoot, transactionCount ?? header.TransactionCount, stateRoot ?? header.StateRoot, header.Proposer, header.BeaconProof);
    }
}
