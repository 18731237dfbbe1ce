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
}
