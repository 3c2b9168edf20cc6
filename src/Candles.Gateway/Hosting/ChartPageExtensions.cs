using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;

namespace Candles.Gateway.Hosting;

public static class ChartPageExtensions
{
    /// <summary>
    /// Serves the chart page at <c>/</c> from <c>wwwroot</c> next to the executable, where the gateway's build copies it
    /// (not the content root: <c>dotnet run</c> and an installed service start in different directories).
    /// Does nothing when that folder is missing, so a host built without the page still serves the API.
    /// </summary>
    public static WebApplication MapChartPage(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }
}
