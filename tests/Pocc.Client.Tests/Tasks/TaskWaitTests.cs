using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pocc.Client.Models;
using Pocc.Client.Tests.Builders;

namespace Pocc.Client.Tests.Tasks;

/// <summary><see cref="PoccClient.WaitForTaskAsync"/>: reports changes once each and outlasts a failing node.</summary>
public sealed class TaskWaitTests
{
    private static readonly TaskModel Posted = new(1, "pocc1requester", "matmul_mod61", "freivalds", 2, 2, 2, new BlobRefModel(new string('1', 64), 46),
        new BlobRefModel(new string('2', 64), 46), 0, 2, 1, 300, "1000", "posted", "none", 5, null, 0, 0, null, 0, 0, 122, 16, null);

    [Fact]
    public async Task Reports_each_change_once_and_the_outage_once_then_returns_the_closed_task()
    {
        // The node answers: posted, then twice a server error, posted again, then settled.
        TaskModel?[] answers = [Posted, null, null, Posted, Posted with { State = "settled", Outcome = "verified" }];
        int asked = 0;
        await using var node = await FakeNode.StartAsync(app => app.MapGet("/v1/tasks/{id}", () =>
        {
            var answer = answers[Math.Min(Interlocked.Increment(ref asked) - 1, answers.Length - 1)];
            return answer is null ? Results.Problem(statusCode: 503, title: "busy") : Results.Json(answer, PoccJson.Options);
        }));
        using var client = new PoccClient(node.Url) { PollInterval = TimeSpan.FromMilliseconds(10) };
        var changes = new List<string>();
        var outages = new List<PoccClientException>();

        var closed = await client.WaitForTaskAsync(1, t => changes.Add(t.State), outages.Add).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("settled", closed.State);
        Assert.Equal(["posted", "settled"], changes);
        var outage = Assert.Single(outages);
        Assert.Equal("http.503", outage.Code);
    }
}
