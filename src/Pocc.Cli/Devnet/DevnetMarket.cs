using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Pocc.Cli.Workers;
using Pocc.Compute.Matmul;
using Pocc.Core.Crypto;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Mempool;
using Pocc.Ledger.Primitives;
using Pocc.Ledger.Tasks;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Devnet;

/// <summary>
/// The devnet's compute market: workers (real <see cref="WorkerAgent"/>s talking to the node's HTTP API, the first
/// one optionally faulty) and a requester keeping a matmul workload posted.
/// </summary>
public sealed class DevnetMarket : IDisposable
{
    private readonly List<WorkerAgent> _agents = [];
    private readonly List<KeyPair> _keys = [];
    private readonly TaskWorkload _workload;
    private readonly ulong _firstTaskId;
    private readonly KeyPair _requester;

    public DevnetMarket(WebApplication app, string nodeUrl, int workers, double faultyRate, TaskKind kind, uint n, uint starkSteps)
    {
        var chain = app.Services.GetRequiredService<Blockchain>();
        Executor = MatmulExecutor.CreateDefault();
        var newest = chain.GetTasks(ulong.MaxValue, 1);
        _firstTaskId = newest.Count == 0 ? 1 : newest[0].Id + 1;
        for (int i = 0; i < workers; i++)
        {
            var key = DevnetAccounts.Worker(i);
            _keys.Add(key);
            var options = new WorkerAgentOptions { NodeUrl = nodeUrl, FaultyRate = i == 0 ? faultyRate : 0, Seed = 1_000 + i };
            _agents.Add(new WorkerAgent(options, key, Executor, InProcessWorkers.Register(app.Services, Executor)));
        }
        _requester = DevnetAccounts.Requester();
        _workload = new TaskWorkload(chain, app.Services.GetRequiredService<TransactionPool>(), app.Services.GetRequiredService<BlobStore>(),
            _requester, kind, n, starkSteps, openTarget: Math.Max(2, 2 * workers), fee: new Amount(100_000));
    }

    public MatmulExecutor Executor { get; }

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll([.. _agents.Select(a => Task.Run(() => a.RunAsync(cancellationToken), CancellationToken.None)),
            Task.Run(() => _workload.RunAsync(cancellationToken), CancellationToken.None)]);

    public string ProgressText(Blockchain chain)
    {
        var tasks = RunTasks(chain);
        return string.Create(CultureInfo.InvariantCulture,
            $" | tasks {tasks.Count(t => t.State == TaskState.Settled)} settled {tasks.Count(t => t.State == TaskState.Rejected)} rejected");
    }

    private List<ComputeTask> RunTasks(Blockchain chain) => [.. chain.GetTasks(ulong.MaxValue, int.MaxValue).Where(t => t.Id >= _firstTaskId)];

    /// <summary>Tasks the devnet's requester posted in this run.</summary>
    public long Posted => _workload.Posted;

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent.Dispose();
        }
        foreach (var key in _keys)
        {
            key.Dispose();
        }
        _requester.Dispose();
    }
}
