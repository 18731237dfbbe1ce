using System.Globalization;
using Pocc.Core.Addressing;
using Pocc.Ledger;
using Pocc.Ledger.Chain;
using Pocc.Ledger.Tasks;

namespace Pocc.Node.Api;

/// <summary>The compute market's read API: tasks (with their verification parameters and outcome) and workers.</summary>
public static class TaskApi
{
    public const string WorkerNotFound = LedgerErrors.WorkerNotFound;
    public const string TaskNotFound = LedgerErrors.TaskNotFound;
    private const int MaxPage = 500;

    public static void MapTaskApi(this WebApplication app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapGet("/tasks/{id}", GetTask).WithName("GetTask")
            .WithSummary("A compute task: spec, escrowed fee, lifecycle state, worker, committed result, verification outcome and soundness.")
            .Produces<TaskModel>().ProducesProblem(StatusCodes.Status404NotFound);
        v1.MapGet("/tasks", ListTasks).WithName("ListTasks")
            .WithSummary("Tasks newest first; filter by ?state= and ?worker=, page with ?before=ID&limit=N (at most 500).")
            .Produces<TaskListModel>().ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/workers", ListWorkers).WithName("ListWorkers")
            .WithSummary($"Registered workers in address order; page with ?after=ADDRESS&limit=N (at most {MaxPage}).")
            .Produces<WorkerListModel>().ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapGet("/workers/{address}", GetWorker).WithName("GetWorker")
            .WithSummary("A worker's stake, capabilities, reputation, verified compute, earnings and slashes.")
            .Produces<WorkerModel>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult GetTask(string id, Blockchain chain)
    {
        if (!ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var taskId))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId, "a task id is a positive whole number");
        }
        return chain.GetTask(taskId) is { } task
            ? Results.Ok(ApiMapping.ToModel(task, chain.ChallengeSeedFor(task)))
            : ApiProblems.Problem(StatusCodes.Status404NotFound, TaskNotFound, $"no task {taskId}");
    }

    private static IResult ListTasks(string? state, string? worker, ulong? before, int? limit, Blockchain chain)
    {
        TaskState? wanted = null;
        if (state is not null)
        {
            if (!WireNames.TryParseState(state, out var parsed))
            {
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidId, $"state must be one of posted, assigned, committed, verified, settled, rejected, expired");
            }
            wanted = parsed;
        }
        Address? workerAddress = null;
        if (worker is not null)
        {
            if (!Address.TryParse(worker, out var parsed))
            {
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidAddress, $"'{worker}' is not a valid pocc address");
            }
            workerAddress = parsed;
        }
        int pageSize = Math.Clamp(limit ?? 100, 1, MaxPage);
        IEnumerable<ComputeTask> tasks = workerAddress is { } address && wanted is TaskState.Assigned or TaskState.Committed or TaskState.Posted
            // The open set is small and indexed: a worker polling for its assignments never scans history.
            ? chain.GetOpenTasks().Where(t => t.State == wanted && t.Worker == address).OrderByDescending(t => t.Id).Where(t => before is null || t.Id < before).Take(pageSize)
            : chain.GetTasks(before ?? ulong.MaxValue, pageSize, wanted, workerAddress);
        var page = tasks.ToList();
        return Results.Ok(new TaskListModel([.. page.Select(t => ApiMapping.ToModel(t, chain.ChallengeSeedFor(t)))],
            page.Count == pageSize ? page[^1].Id : null));
    }

    private static IResult ListWorkers(string? after, int? limit, Blockchain chain)
    {
        if (ApiProblems.PageLimit(limit, MaxPage) is { } refused)
        {
            return refused;
        }
        if (after is not null && !Address.TryParse(after, out _))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidAddress, $"'{after}' is not a valid pocc address");
        }
        int pageSize = limit ?? 100;
        var page = chain.GetWorkers()
            .Select(w => (Text: w.Key.ToString(), w.Key, w.Value))
            .Where(w => after is null || string.CompareOrdinal(w.Text, after) > 0)
            .OrderBy(w => w.Text, StringComparer.Ordinal)
            .Take(pageSize + 1)
            .ToList();
        bool more = page.Count > pageSize;
        var workers = page.Take(pageSize).Select(w => ApiMapping.ToModel(w.Key, w.Value)).ToList();
        return Results.Ok(new WorkerListModel(workers, more ? workers[^1].Address : null));
    }

    private static IResult GetWorker(string address, Blockchain chain)
    {
        if (!Address.TryParse(address, out var parsed))
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiProblems.InvalidAddress, $"'{address}' is not a valid pocc address");
        }
        return chain.GetWorker(parsed) is { } worker
            ? Results.Ok(ApiMapping.ToModel(parsed, worker))
            : ApiProblems.Problem(StatusCodes.Status404NotFound, WorkerNotFound, $"{parsed} is not a registered worker");
    }
}
