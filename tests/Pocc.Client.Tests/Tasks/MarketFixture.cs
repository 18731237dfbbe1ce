using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Core.Crypto;
using Pocc.Node.Tests.Builders;

namespace Pocc.Client.Tests.Tasks;

/// <summary>
/// A one-node compute market: a real node (the only validator, so it verifies every result) and the real worker
/// agent in-process, registered before any test posts a task. Requesters take funded accounts of their own.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes the fixture through IAsyncLifetime.DisposeAsync")]
public sealed class MarketFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly NodeFixture _node = new();
    private WorkerAgent? _worker;
    private Task? _working;

    public TestNode Node => _node.Node;

    /// <summary>The worker's key: the last funded account, which no requester takes.</summary>
    public KeyPair WorkerKey { get; } = TestKeys.Funded(TestKeys.FundedCount - 1);

    /// <summary>A funded account for one test's requester.</summary>
    public KeyPair TakeRequester() => _node.TakeFundedAccount();

    public PoccClient NewClient() => new(Node.Http.BaseAddress!);

    public async Task InitializeAsync()
    {
        await _node.InitializeAsync();
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _worker = new WorkerAgent(new WorkerAgentOptions { NodeUrl = Node.Http.BaseAddress!.ToString(), PollInterval = TimeSpan.FromMilliseconds(50) },
            WorkerKey, MatmulExecutor.CreateDefault(preferManaged: true, maxDegreeOfParallelism: 1), e =>
            {
                if (e.Kind == WorkerEventKind.Registered)
                {
                    registered.TrySetResult();
                }
            });
        _working = Task.Run(() => _worker.RunAsync(_stop.Token));
        await registered.Task.WaitAsync(TestNode.Timeout);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_working is not null)
        {
            await _working;
        }
        _worker?.Dispose();
        _stop.Dispose();
        await _node.DisposeAsync();
    }
}
