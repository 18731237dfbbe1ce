using Pocc.Ledger.Chain;
using Pocc.Ledger.Primitives;
using Pocc.Node.Hosting;
using Pocc.Node.Telemetry;

namespace Pocc.Node.Api;

/// <summary>
/// Read-only views for explorers and the dashboard: pages of block headers, validators with their recent activity,
/// per-block time series, the compute market's figures and what this node process hosts.
/// </summary>
public static class ExplorerApi
{
    public const int MaxBlockPage = 200;

    public static void MapExplorerApi(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/blocks", ListBlocks).WithName("ListBlocks")
            .WithSummary($"Block headers newest first; page with ?before=HEIGHT&limit=N (at most {MaxBlockPage}).")
            .Produces<BlockListModel>().ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/validators", (ValidatorActivity activity) => activity.Snapshot()).WithName("ListValidators")
            .WithSummary($"Bonded validators with voting power, and their proposals and missed commit signatures over the last {ValidatorActivity.Window} blocks.")
            .Produces<ValidatorListModel>();
        v1.MapGet("/stats/history", GetHistory).WithName("GetHistory")
            .WithSummary($"Per-block samples (transactions, finality, verified compute, tasks closed) for the last N blocks, oldest first (at most {ChainHistory.Capacity}).")
            .Produces<HistoryModel>().ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/market", (MarketStatistics market) => market.Snapshot()).WithName("GetMarket")
            .WithSummary("The compute market: tasks by state, verified compute, rewards, slashes, verification cost and, with in-process workers, useful-work figures.")
            .Produces<MarketModel>();
        v1.MapGet("/node", GetNodeInfo).WithName("GetNodeInfo")
            .WithSummary("What this node process is and hosts: version, cores, home, roles, matmul executor, and a devnet's load figures.")
            .Produces<NodeInfoModel>();
    }

    private static IResult ListBlocks(ulong? before, int? limit, Blockchain chain)
    {
        if (ApiProblems.PageLimit(limit, MaxBlockPage) is { } refused)
        {
            return refused;
        }
        int pageSize = limit ?? 50;
        ulong head = chain.Height.Value;
        ulong start = before is { } b ? Math.Min(b == 0 ? 0 : b - 1, head) : head;
        var blocks = new List<BlockSummaryModel>(pageSize);
        for (ulong height = start; height >= 1 && blocks.Count < pageSize; height--)
        {
            if (chain.GetHeader(new Height(height)) is { } header)
            {
                blocks.Add(new BlockSummaryModel(height, header.Hash.ToString(), header.TimestampMs, header.TransactionCount, header.Proposer.ToString(),
                    header.StateRoot.ToString(), chain.GetCommit(header.Height)?.Signatures.Count ?? 0));
            }
        }
        ulong? next = blocks.Count == pageSize && blocks[^1].Height > 1 ? blocks[^1].Height : null;
        return Results.Ok(new BlockListModel(blocks, next));
    }

    private static IResult GetHistory(int? limit, ChainHistory history)
    {
        if (ApiProblems.PageLimit(limit, ChainHistory.Capacity) is { } refused)
        {
            return refused;
        }
        return Results.Ok(new HistoryModel(history.Latest(limit ?? 300)));
    }

    private static NodeInfoModel GetNodeInfo(HttpContext context, NodeHome home, NodeOptions options, MarketStatistics market, NodeRunInfo run) =>
        new(typeof(ExplorerApi).Assembly.GetName().Version?.ToString() ?? "0", Environment.ProcessorCount, home.Path, options.Validator,
            market.InProcessWorkers, run.MatmulExecutor, $"{context.Request.Scheme}://{context.Request.Host}/", run.Load?.Invoke());
}
