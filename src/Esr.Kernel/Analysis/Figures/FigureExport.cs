using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Plotly.NET;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Writes charts to files. HTML is self-contained: plotly.js (the copy inside Plotly.NET) is inlined, so the file
/// opens offline. PNG renders that page in headless Chromium and has plotly.js itself draw the image
/// (Plotly.toImage), so no browser download is needed: Debian's chromium package is enough.
/// </summary>
public static partial class FigureExport
{
    /// <summary>Environment variable naming the Chromium (or Chrome) executable, when it is not on PATH.</summary>
    public const string ChromiumVariable = "ESR_CHROMIUM";

    private static readonly string[] ChromiumNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>The chart as a complete HTML page with plotly.js inlined.</summary>
    public static string ToHtml(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return Page(chart, "Plotly.newPlot(document.getElementById('chart'), figure);", "<div id=\"chart\"></div>");
    }

    /// <summary>The chart as plotly.js figure JSON ({"data": [...], "layout": {...}}).</summary>
    public static string ToJson(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>Writes the self-contained HTML page atomically.</summary>
    public static Task SaveHtmlAsync(GenericChart chart, string path, CancellationToken cancellationToken = default) =>
        WriteBytesAsync(path, Encoding.UTF8.GetBytes(ToHtml(chart)), cancellationToken);

    /// <summary>
    /// Renders the chart to PNG at its layout size times <paramref name="scale"/> and writes it atomically.
    /// </summary>
    /// <exception cref="InvalidOperationException">No Chromium was found, or it failed to render.</exception>
    public static async Task SavePngAsync(GenericChart chart, string path, double scale = 2, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chart);
        string chromium = FindChromium() ?? throw new InvalidOperationException(
            $"PNG export needs Chromium: install Debian's chromium package (environment/setup.sh does) or set {ChromiumVariable} to its path.");
        var work = Directory.CreateTempSubdirectory("esr-figure-");
        try
        {
            string page = Path.Combine(work.FullName, "render.html");
            await File.WriteAllTextAsync(page, RenderPage(chart, scale), cancellationToken);
            string dom = await RunChromiumAsync(chromium, work.FullName, page, cancellationToken);
            var match = PngPattern().Match(dom);
            if (!match.Success)
            {
                var error = ErrorPattern().Match(dom);
                throw new InvalidOperationException($"Chromium did not render the chart{(error.Success ? ": " + error.Groups[1].Value : "")}.");
            }
            await WriteBytesAsync(path, Convert.FromBase64String(match.Groups[1].Value), cancellationToken);
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The Chromium executable: <see cref="ChromiumVariable"/>, else the first known name on PATH; null when none.</summary>
    public static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : throw new InvalidOperationException($"{ChromiumVariable} names {configured}, which does not exist.");
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return ChromiumNames.SelectMany(name => directories.Select(d => Path.Combine(d, name))).FirstOrDefault(File.Exists);
    }

    // The page runs Plotly.toImage on the figure and leaves the data URL (or the error) in the DOM for --dump-dom.
    private static string RenderPage(GenericChart chart, double scale)
    {
        var (width, height) = Size(chart);
        string options = string.Create(CultureInfo.InvariantCulture, $"{{format: 'png', width: {width}, height: {height}, scale: {scale}}}");
        return Page(chart, $$"""
            function leave(id, text) { var p = document.createElement('pre'); p.id = id; p.textContent = text; document.body.appendChild(p); }
            Plotly.toImage(figure, {{options}}).then(function (url) { leave('png', url); }, function (e) { leave('error', String(e)); });
            """, "");
    }

    // The one page both exports write: plotly.js inlined, then `figure` (the chart's JSON, escaped for a script
    // by HtmlText.ScriptJson, since it carries text from data) and the script that uses it.
    private static string Page(GenericChart chart, string script, string body) => $$"""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><script>{{PlotlyJs()}}</script></head>
        <body>{{body}}<script>
        var figure = {{HtmlText.ScriptJson(ToJson(chart))}};
        {{script}}
        </script></body></html>
        """;

    private static (int Width, int Height) Size(GenericChart chart)
    {
        var layout = GenericChart.getLayout(chart);
        int Read(string name, int fallback) =>
            layout.TryGetPropertyValue(name) is { } option && option.Value is int value ? value : fallback;
        return (Read("width", 1000), Read("height", 600));
    }

    private static string PlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<string> RunChromiumAsync(string chromium, string work, string page, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--allow-file-access-from-files", $"--user-data-dir={Path.Combine(work, "profile")}",
            "--virtual-time-budget=60000", "--dump-dom", new Uri(page).AbsoluteUri,
        })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {chromium}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            string dom = await output;
            if (process.ExitCode != 0) throw new InvalidOperationException($"{chromium} exited with status {process.ExitCode}: {LastLine(await errors)}");
            return dom;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new InvalidOperationException($"{chromium} did not finish rendering within 2 minutes.");
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    [GeneratedRegex("<pre id=\"png\">data:image/png;base64,([A-Za-z0-9+/=]+)</pre>")]
    private static partial Regex PngPattern();

    [GeneratedRegex("<pre id=\"error\">([^<]*)</pre>")]
    private static partial Regex ErrorPattern();

    private static Task WriteBytesAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.Write(path, temporary => File.WriteAllBytes(temporary, content));
        return Task.CompletedTask;
    }
}
