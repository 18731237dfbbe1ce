using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pocc.Node.Api;
using Pocc.Node.Hosting;
using Pocc.Storage.Blobs;

namespace Pocc.Cli.Tests.Blobs;

/// <summary>
/// An in-process web app on an ephemeral loopback port for the blob command to talk to: either the real blob API over
/// a temporary store, or whatever endpoints a test maps itself (to play a node that lies).
/// </summary>
public sealed class BlobCommandServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private BlobCommandServer(WebApplication app, string directory, BlobStore store)
    {
        _app = app;
        _directory = directory;
        Store = store;
    }

    public BlobStore Store { get; }

    public string Url => _app.Urls.First();

    /// <param name="map">Endpoints to serve instead of the blob API.</param>
    public static async Task<BlobCommandServer> StartAsync(Action<WebApplication>? map = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pocc-blobcli-" + Guid.NewGuid().ToString("N"));
        var store = new BlobStore(directory, new BlobStoreOptions { MaxBlobBytes = 16L * 1024 * 1024 });
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
        builder.Services.ConfigureHttpJsonOptions(NodeHost.ConfigureJson);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status == StatusCodes.Status404NotFound ? ApiProblems.NotFound : ApiProblems.Internal));
        builder.Services.AddSingleton(store);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (map is null)
        {
            app.MapBlobApi();
        }
        else
        {
            map(app);
        }
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
        return new BlobCommandServer(app, directory, store);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
