using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Pocc.Node.Dashboard;

/// <summary>
/// Serves the web dashboard (built from web/dashboard with Vite into Dashboard/wwwroot and embedded in this
/// assembly) at the node's root. Hashed asset names never change content, so browsers may keep them; the page
/// itself is always revalidated so a new node version is picked up on reload.
/// </summary>
public static class DashboardHosting
{
    public static void UseDashboard(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardHosting).Assembly, "Dashboard/wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                context.Context.Response.Headers[HeaderNames.CacheControl] = context.File.Name.EndsWith(".html", StringComparison.Ordinal)
                    ? "no-cache"
                    : "public, max-age=31536000, immutable";
            },
        });
    }
}
