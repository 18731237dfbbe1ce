using System.Collections.Concurrent;
using Pocc.Consensus.Engine.Bft;
using Pocc.Consensus.Tendermint;
using Pocc.Core.Hashing;
using Pocc.Ledger.Blocks;
using Pocc.Ledger.Consensus;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Consensus.Tests.Engine;

// xUnit 2 disposes a test class through IAsyncLifetime, never through IAsyncDisposable alone: with only the latter,
// every test left its cluster's RocksDB and WAL directories in the temp folder.
public sealed class TendermintEngineTests : IAsyncLifetime, IAsyncDisposable
{
    private const ulong Heights = 5;

    private readonly BftCluster _cluster = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _cluster.DisposeAsync().AsTask();

    ValueTask IAsyncDisposable.DisposeAsync() => _cluster.DisposeAsync();

    private void AssertSameChain(IEnumerable<BftCluster.Node> nodes, ulong through)
    {
        var list = nodes.ToList();
        for (ulong h = 1; h <= through; h++)
        {
            var height = new Height(h);
            var first = list[0].Chain.Chain.GetBlock(height)!;
            foreach (var node in list.Skip(1))
            {
                var block = node.Chain.Chain.GetBlock(height)!;
                Assert.Equal(first.Hash, block.Hash);
                Assert.Equal(first.Header.StateRoot, block.Header.StateRoot);
            }
        }
    }

    [Fact]
    public async Task Four_validators_finalize_the_same_blocks_with_the_submitted_transactions()
    {
        var transfer = Tx.Transfer(Alice, Bob, 42).Signed();
        foreach (var node in _cluster.Nodes)
        {
            node.Pool.Add(transfer);
        }

        _cluster.Start();
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(Heights);
        }

        AssertSameChain(_cluster.Nodes, Heights);
        Assert.NotNull(_cluster.Nodes[0].Chain.Chain.FindTransaction(transfer.Hash));
        Assert.All(_cluster.Nodes, node =>
        {
            Assert.Equal(GenesisBuilder.DefaultBalance + 42, node.Chain.Chain.GetAccount(Bob.Address).Balance.Value);
            Assert.Equal(0, node.Pool.Count);
        });
        // Proposers rotate: more than one validator proposed among the first heights.
        Assert.True(Enumerable.Range(1, (int)Heights).Select(h => _cluster.Nodes[0].Chain.Chain.GetHeader(new Height((ulong)h))!.Proposer).Distinct().Count() > 1);
        var status = _cluster.Nodes[0].Engine.Status;
        Assert.Equal("tendermint", status.Engine);
        Assert.Equal(BftCluster.Size, status.Validators);
        Assert.NotNull(status.Round);
    }

    [Fact]
    public async Task Votes_lost_while_a_validator_was_cut_off_are_resent_and_the_height_is_decided()
    {
        // Validator 3 is down and validator 2 cut off: each of the three votes in round 0, nobody sees a quorum, and no
        // timer is left to move them on. Reconnecting alone delivers nothing; the votes must be sent again.
        _cluster.Nodes[3].Network.Connected = false;
        _cluster.Nodes[2].Network.Connected = false;
        _cluster.Start(0, 1, 2);
        var live = _cluster.Nodes.Take(3).ToList();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (live.Any(node => node.Engine.Status.Step != "Prevote"))
            {
                await Task.Delay(10, timeout.Token);
            }
        }

        _cluster.Nodes[2].Network.Connected = true;
        foreach (var node in live)
        {
            node.Engine.Resend();
        }

        foreach (var node in live)
        {
            await node.FinalizeThrough(1);
        }
        AssertSameChain(live, 1);
    }

    [Fact]
    public async Task Three_of_four_finalize_while_the_fourth_is_down()
    {
        _cluster.Nodes[3].Network.Connected = false;
        _cluster.Start(0, 1, 2);

        var live = _cluster.Nodes.Take(3).ToList();
        foreach (var node in live)
        {
            await node.FinalizeThrough(Heights);
        }

        AssertSameChain(live, Heights);
        var proposers = Enumerable.Range(1, (int)Heights).Select(h => live[0].Chain.Chain.GetHeader(new Height((ulong)h))!.Proposer);
        Assert.DoesNotContain(_cluster.Nodes[3].Key.Address, proposers);
        Assert.Equal(Height.Genesis, _cluster.Nodes[3].Chain.Chain.Height);
    }

    /// <summary>
    /// Makes <paramref name="node"/> send, instead of its own round-0 proposal at <paramref name="height"/> and its
    /// parts, what <paramref name="rewrite"/> makes of that proposal and the block its parts encode.
    /// </summary>
    private static void RewriteProposal(BftCluster.Node node, Height height, Func<ProposalMessage, Block, IEnumerable<ConsensusMessage>> rewrite)
    {
        ProposalMessage? held = null;
        BlockPartSet? parts = null;
        bool rewriting = false;
        node.Network.Outgoing = message =>
        {
            if (rewriting)
            {
                return message;
            }
            switch (message)
            {
                case ProposalMessage { Proposal: { Round: 0 } proposal } proposed when proposal.Height == height && proposal.Proposer == node.Key.Address:
                    (held, parts) = (proposed, new BlockPartSet(proposal.Parts));
                    return null;
                case BlockPartMessage { Round: 0 } part when held is not null && part.Height == height:
                    parts!.Add(part, out _);
                    if (parts.IsComplete)
                    {
                        rewriting = true;
                        foreach (var replacement in rewrite(held, parts.Decode()!))
                        {
                            node.Network.Broadcast(replacement);
                        }
                        (rewriting, held) = (false, null);
                    }
                    return null;
                default:
                    return message;
            }
        };
    }

    [Fact]
    public async Task Parts_that_arrive_before_their_proposal_are_kept_and_the_block_is_decided_in_round_zero()
    {
        var first = new Height(1);
        var chain = _cluster.Nodes[0].Chain.Chain;
        var proposer = _cluster.Nodes.Single(n => n.Key.Address == new WeightedRoundRobinProposer(chain.GetValidatorSet()).Proposer(first, 0));
        RewriteProposal(proposer, first, (proposed, block) => [.. BlockPartSet.FromBlock(block).Messages(first, 0), proposed]);

        _cluster.Start();
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(1);
        }

        Assert.Equal(proposer.Key.Address, chain.GetBlock(first)!.Header.Proposer);
        Assert.Equal(0u, chain.GetCommit(first)!.Round);
        Assert.All(_cluster.Nodes, node => Assert.Empty(node.Network.Reported));
        AssertSameChain(_cluster.Nodes, 1);
    }

    [Fact]
    public async Task A_proposer_that_sends_a_corrupted_part_is_reported_by_every_honest_validator_and_the_next_round_decides()
    {
        var first = new Height(1);
        var chain = _cluster.Nodes[0].Chain.Chain;
        var byzantine = _cluster.Nodes.Single(n => n.Key.Address == new WeightedRoundRobinProposer(chain.GetValidatorSet()).Proposer(first, 0));
        RewriteProposal(byzantine, first, (proposed, block) =>
        {
            var part = BlockPartSet.FromBlock(block).Messages(first, 0).Single();
            byte[] flipped = [.. part.Bytes];
            flipped[^1] ^= 1;
            return [proposed, part with { Bytes = flipped }];
        });
        var honest = _cluster.Nodes.Where(n => n != byzantine).ToList();

        _cluster.Start();
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(2);
        }

        // Each honest validator refused the bad part from the proposer itself, and relayed nothing that others refused.
        Assert.All(honest, node => Assert.Contains(node.Network.Reported, report => report.Message is BlockPartMessage && report.From == byzantine.Network));
        Assert.All(_cluster.Nodes, node => Assert.All(node.Network.Reported, report => Assert.Equal(byzantine.Network, report.From)));
        Assert.NotEqual(byzantine.Key.Address, chain.GetBlock(first)!.Header.Proposer);
        Assert.True(chain.GetCommit(first)!.Round >= 1);
        AssertSameChain(_cluster.Nodes, 2);
    }

    [Fact]
    public async Task Block_with_a_wrong_state_root_gets_nil_prevotes_and_the_next_round_decides()
    {
        var first = new Height(1);
        var chain = _cluster.Nodes[0].Chain.Chain;
        var byzantine = _cluster.Nodes.Single(n => n.Key.Address == new WeightedRoundRobinProposer(chain.GetValidatorSet()).Proposer(first, 0));
        RewriteProposal(byzantine, first, (proposed, block) =>
        {
            var tampered = Tamper.Header(block, h => Tamper.Header(h, stateRoot: Blake3Hash.Of("wrong root"u8)));
            var parts = BlockPartSet.FromBlock(tampered);
            var proposal = Proposal.Sign(chain.ChainId, first, 0, tampered.Hash, parts.Header, proposed.Proposal.ValidRound, byzantine.Key);
            return [new ProposalMessage(proposal, proposed.ParentCommit), .. parts.Messages(first, 0)];
        });
        var honest = _cluster.Nodes.Where(n => n != byzantine).ToList();
        var firstPrevotes = new ConcurrentBag<Vote>();
        foreach (var node in honest)
        {
            node.Network.Sent += message =>
            {
                // Its own prevote only: a validator also relays the prevotes of others.
                if (message is VoteMessage { Vote: { Type: VoteType.Prevote, Round: 0 } vote } && vote.Height == first && vote.Validator == node.Key.Address)
                {
                    firstPrevotes.Add(vote);
                }
            };
        }

        _cluster.Start();
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(2);
        }

        Assert.Equal(honest.Count, firstPrevotes.Count);
        Assert.All(firstPrevotes, vote => Assert.Null(vote.BlockHash));
        var decided = chain.GetBlock(first)!;
        Assert.NotEqual(byzantine.Key.Address, decided.Header.Proposer);
        Assert.True(chain.GetCommit(first)!.Round >= 1);
        AssertSameChain(_cluster.Nodes, 2);
    }

    [Fact]
    public async Task Validator_that_was_away_catches_up_with_committed_blocks_and_rejoins()
    {
        var late = _cluster.Nodes[3];
        late.Network.Connected = false;
        _cluster.Start(0, 1, 2);
        await _cluster.Nodes[0].FinalizeThrough(3);

        late.Network.Connected = true;
        late.Start();
        await late.FinalizeThrough(Heights);
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(Heights);
        }

        AssertSameChain(_cluster.Nodes, Heights);
    }

    [Fact]
    public async Task An_equivocating_validator_is_reported_by_evidence_transactions_and_ends_up_jailed_and_slashed_on_every_node()
    {
        var byzantine = _cluster.Nodes[3];
        var honest = _cluster.Nodes.Take(3).ToList();
        var chainId = byzantine.Chain.Chain.ChainId;
        var other = Blake3Hash.Of("the other block"u8);
        // Every prevote for a block goes out with a conflicting twin for another block, same height and round (at
        // every height: a slow byzantine node's votes for a height the others already decided are simply dropped).
        byzantine.Network.Outgoing = message =>
        {
            if (message is VoteMessage { Vote: { Type: VoteType.Prevote, BlockHash: { } hash } vote } && hash != other)
            {
                byzantine.Network.Broadcast(new VoteMessage(Vote.Sign(chainId, VoteType.Prevote, vote.Height, vote.Round, other, byzantine.Key)));
            }
            return message;
        };
        var bonded = byzantine.Chain.Chain.GetAccount(byzantine.Key.Address).Bonded.Value;

        _cluster.Start();
        ulong height = 1;
        while (!honest.All(n => n.Chain.Chain.GetValidator(byzantine.Key.Address)!.Jailed))
        {
            Assert.True(height < 40, "the equivocating validator was never jailed");
            foreach (var node in honest)
            {
                await node.FinalizeThrough(height);
            }
            height++;
        }
        // Evidence already in pools may still land (other heights are other offences); let it, then compare.
        height += 3;
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(height);
        }

        AssertSameChain(_cluster.Nodes, height);
        var chain = honest[0].Chain.Chain;
        var offences = Enumerable.Range(1, (int)height)
            .SelectMany(h => chain.GetBlock(new Height((ulong)h))!.Transactions)
            .Select(tx => tx.Transaction.Payload)
            .OfType<SubmitEvidence>()
            .Where(submit => submit.Evidence.Validator == byzantine.Key.Address)
            .Select(submit => submit.Evidence.Key)
            .ToList();
        Assert.NotEmpty(offences);
        Assert.Equal(offences.Count, offences.Distinct().Count());   // each offence punished once, whoever reported it
        ulong expected = bonded;
        foreach (var _ in offences)
        {
            expected -= expected * chain.Parameters.EquivocationSlashBasisPoints / 10_000;
        }
        Assert.All(_cluster.Nodes, node =>
        {
            Assert.True(node.Chain.Chain.GetValidator(byzantine.Key.Address)!.Jailed);
            Assert.Equal(expected, node.Chain.Chain.GetAccount(byzantine.Key.Address).Bonded.Value);
            Assert.False(node.Chain.Chain.GetValidatorSet().Contains(byzantine.Key.Address));
        });
    }

    [Fact]
    public async Task Validator_restarted_mid_run_replays_its_WAL_and_keeps_finalizing()
    {
        _cluster.Start();
        await _cluster.Nodes[1].FinalizeThrough(2);

        await _cluster.Nodes[1].Restart();
        foreach (var node in _cluster.Nodes)
        {
            await node.FinalizeThrough(Heights);
        }

        AssertSameChain(_cluster.Nodes, Heights);
    }
}
