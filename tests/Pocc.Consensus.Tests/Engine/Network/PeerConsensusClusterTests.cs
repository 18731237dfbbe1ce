using Pocc.Consensus.Engine.Bft;
using Pocc.Core.Crypto;
using Pocc.Core.Encoding;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tests.Builders;
using static Pocc.Ledger.Tests.Builders.TestKeys;

namespace Pocc.Consensus.Tests.Engine.Network;

public sealed class PeerConsensusClusterTests
{
    private const ulong Heights = 5;

    [Fact]
    public async Task Four_validators_finalize_the_same_blocks_over_TCP()
    {
        await using var mesh = await TcpConsensusMesh.Connect(BftCluster.Size);
        await using var cluster = new BftCluster(mesh.Networks);
        var transfer = Tx.Transfer(Alice, Bob, 42).Signed();
        // No mempool gossip yet: every pool holds it, so whichever validator proposes includes it.
        foreach (var node in cluster.Nodes)
        {
            node.Pool.Add(transfer);
        }

        cluster.Start();
        foreach (var node in cluster.Nodes)
        {
            await node.FinalizeThrough(Heights);
        }

        for (ulong h = 1; h <= Heights; h++)
        {
            var blocks = cluster.Nodes.Select(node => node.Chain.Chain.GetBlock(new Height(h))!).ToList();
            Assert.Single(blocks.Select(block => block.Hash).Distinct());
            Assert.Single(blocks.Select(block => block.Header.StateRoot).Distinct());
        }
        Assert.All(cluster.Nodes, node => Assert.NotNull(node.Chain.Chain.FindTransaction(transfer.Hash)));
    }

    /// <summary>Three validators decide it from the proposal's parts; the fourth, started later, gets it in parts by block sync.</summary>
    [Fact]
    public async Task A_block_of_more_than_a_megabyte_travels_in_parts_and_four_validators_finalize_it_over_TCP()
    {
        await using var mesh = await TcpConsensusMesh.Connect(BftCluster.Size);
        await using var cluster = new BftCluster(mesh.Networks);
        var sink = Of("parts-sink").Address;
        KeyPair[] senders = [Alice, Bob, Carol, Dave, .. cluster.Nodes.Select(node => node.Key)];
        int size = Canonical.Encode(Tx.Transfer(Alice, sink, 1).Signed()).Length;
        int perSender = (int)(1.2 * 1024 * 1024 / size / senders.Length) + 1;
        var transfers = senders.SelectMany(sender => Enumerable.Range(0, perSender).Select(n => Tx.Transfer(sender, sink, 1).WithNonce((ulong)n).Signed())).ToArray();
        foreach (var node in cluster.Nodes)
        {
            foreach (var transfer in transfers)
            {
                node.Pool.Add(transfer);
            }
        }

        cluster.Start(0, 1, 2);
        foreach (var node in cluster.Nodes.Take(3))
        {
            await node.FinalizeThrough(2);
        }
        cluster.Start(3);
        foreach (var node in cluster.Nodes)
        {
            await node.FinalizeThrough(3);
        }

        var chain = cluster.Nodes[0].Chain.Chain;
        var big = Enumerable.Range(1, 2).Select(h => chain.GetBlock(new Height((ulong)h))!).MaxBy(block => block.Encode().Length)!;
        Assert.True(big.Encode().Length > 1024 * 1024, $"the largest block is {big.Encode().Length} bytes");
        Assert.True(BlockPartSet.FromBlock(big).Header.Total > 16);
        Assert.All(cluster.Nodes, node => Assert.Equal(big.Hash, node.Chain.Chain.GetBlock(big.Header.Height)!.Hash));
        Assert.All(cluster.Nodes, node => Assert.NotNull(node.Chain.Chain.FindTransaction(transfers[^1].Hash)));
    }
}
