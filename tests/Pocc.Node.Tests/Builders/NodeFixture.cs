using System.Globalization;
using Pocc.Core.Crypto;

namespace Pocc.Node.Tests.Builders;

/// <summary>
/// One running node shared by the tests of a class. Tests stay independent by never sharing a sender:
/// each takes its own funded account with <see cref="TakeFundedAccount"/>.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private int _taken = -1;
    private TestNode? _node;

    public TestNode Node => _node ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>A genesis-funded account no other test of this node has used.</summary>
    public KeyPair TakeFundedAccount()
    {
        int index = Interlocked.Increment(ref _taken);
        if (index >= TestKeys.FundedCount)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"all {TestKeys.FundedCount} funded accounts are taken; raise TestKeys.FundedCount"));
        }
        return TestKeys.Funded(index);
    }

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}
