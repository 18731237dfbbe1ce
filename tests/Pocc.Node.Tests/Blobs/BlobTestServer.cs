using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pocc.Node.Api;
using Pocc.Node.Hosting;
using Pocc.Storage.Blobs;

namespace Pocc.Node.Tests.Blobs;

/// <summary>
/// A minimal web app serving only the blob API over a store in a temporary directory, on an ephemeral loopback port,
/// with the node's JSON and problem+json setup and a server-wide body limit far below the blob limit (as in the node),
/// so uploads only pass if the blob endpoint lifts it.
/// </summary>
public sealed class BlobTestServer : IAsyncDisposable
{
    public const long ServerBodyLimit = 64 * 1024;

    private readonly WebApplication _app;

    private BlobTestServer(WebApplication app, string directory, BlobStore store)
    {
        _app = app;
        Directory = directory;
        Store = store;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Directory { get; }

    public BlobStore Store { get; }

    public HttpClient Http { get; }

    public string Url => _app.Urls.First();

    public static async Task<BlobTestServer> StartAsync(long maxBlobBytes = 4L * 1024 * 1024)
    {
        string directory = Path.Combine(Path.GetTempPath(), "pocc-blobapi-" + Guid.NewGuid().ToString("N"));
        var store = new BlobStore(directory, new BlobStoreOptions { MaxBlobBytes = maxBlobBytes });
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ServerBodyLimit);
        builder.Services.ConfigureHttpJsonOptions(NodeHost.ConfigureJson);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status404NotFound => ApiProblems.NotFound,
                    StatusCodes.Status405MethodNotAllowed => "http.method_not_allowed",
                    StatusCodes.Status413PayloadTooLarge => ApiProblems.TooLarge,
                    StatusCodes.Status400BadRequest => ApiProblems.MalformedBody,
                    _ => ApiProblems.Internal,
                };
            }
        });
        builder.Services.AddSingleton(store);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapBlobApi();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
        return new BlobTestServer(app, directory, store);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
