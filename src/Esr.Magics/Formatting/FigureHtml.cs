using System.Text.RegularExpressions;
using Esr.Kernel.Analysis.Figures;
using Plotly.NET;

namespace Esr.Magics.Formatting;

/// <summary>
/// A chart as interactive HTML for a notebook: its plotly.js figure JSON in a script of our own that loads plotly.js
/// (the version inside Plotly.NET) from the CDN, so no Plotly.NET formatter runs in the host (docs/MAGICS.md, "Charts").
/// </summary>
internal static partial class FigureHtml
{
    /// <summary>The plotly.js version Plotly.NET bundles, e.g. "2.28.0".</summary>
    public static string PlotlyVersion { get; } = typeof(GenericChart).Assembly.GetManifestResourceNames()
        .Select(name => ResourceVersion().Match(name)).Single(match => match.Success).Groups[1].Value;

    /// <summary>The CDN address of <see cref="PlotlyVersion"/>.</summary>
    public static string PlotlyUrl => $"https://cdn.plot.ly/plotly-{PlotlyVersion}.min.js";

    /// <summary>
    /// The chart in a div of its own id; plotly.js is taken from the page when it is there, through require.js where
    /// the notebook has it (Jupyter), else from a script tag.
    /// </summary>
    public static string Of(GenericChart chart)
    {
        var id = $"esr-figure-{Guid.NewGuid():N}";
        return $$"""
            <div id="{{id}}"></div>
            <script>
            (function () {
              var figure = {{HtmlText.ScriptJson(FigureExport.ToJson(chart))}};
              var draw = function (plotly) { plotly.newPlot(document.getElementById('{{id}}'), figure.data, figure.layout, {responsive: true}); };
              if (window.Plotly) { draw(window.Plotly); return; }
              if (typeof require === 'function' && require.config) { require.config({ paths: { plotly: '{{PlotlyUrl[..^3]}}' } }); require(['plotly'], draw); return; }
              var script = document.createElement('script');
              script.src = '{{PlotlyUrl}}';
              script.onload = function () { draw(window.Plotly); };
              document.head.appendChild(script);
            })();
            </script>
            """;
    }

    [GeneratedRegex(@"^Plotly\.NET\.plotly-([0-9.]+)\.min\.js$")]
    private static partial Regex ResourceVersion();
}
