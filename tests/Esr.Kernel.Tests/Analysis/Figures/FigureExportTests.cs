using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Tests.Models;
using static Esr.Kernel.Tests.Analysis.Figures.SyntheticTrials;

namespace Esr.Kernel.Tests.Analysis.Figures;

public class FigureExportTests
{
    private static Plotly.NET.GenericChart Chart() =>
        ScoreDeltaChart.Create(ScoreDeltaFigure.Build([Trial("llama-3.3-70b", 10, 90), Trial("llama-3.1-8b", 20), Trial("llama-3.1-8b", 40, 30)]));

    [Fact]
    public async Task Html_export_writes_a_self_contained_page_with_the_plot()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("figure2.html");
        await FigureExport.SaveHtmlAsync(Chart(), path);
        string html = await File.ReadAllTextAsync(path);
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("Score Delta (Last Attempt - First Attempt)", html);
        Assert.Contains("#1A5276", html);
        // plotly.js is inlined, not fetched: the page opens offline.
        Assert.DoesNotMatch("<script[^>]*src=", html);
        Assert.Contains("plotly.js v2.", html);
        Assert.True(html.Length > 1_000_000);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    // A trace named by hand, past the chart builders' escaping: the page's script must still hold the name as data.
    private static Plotly.NET.GenericChart RawChart(string name)
    {
        var trace = new Plotly.NET.Trace("bar");
        trace.SetProperty("name", name);
        return Plotly.NET.GenericChart.ofTraceObject(false, trace);
    }

    [Fact]
    public void The_figure_json_in_the_page_cannot_close_its_script_and_parses_back_to_the_same_figure()
    {
        var chart = RawChart("</script><script>alert(1)</script><!--");

        string html = FigureExport.ToHtml(chart);
        string script = html[(html.LastIndexOf("var figure = ", StringComparison.Ordinal) + "var figure = ".Length)..];
        string json = script[..script.IndexOf(";\n", StringComparison.Ordinal)];

        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "</script", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count);
        Assert.DoesNotContain("<!--", html[html.LastIndexOf("<script>", StringComparison.Ordinal)..]);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(FigureExport.ToJson(chart)), System.Text.Json.Nodes.JsonNode.Parse(json)));
    }

    [Theory]
    [InlineData("M</script>&<b>", "M&lt;/script&gt;&amp;&lt;b&gt;")]
    [InlineData("Llama-3.3-70B", "Llama-3.3-70B")]
    public void Text_from_data_becomes_html_text(string text, string escaped) => Assert.Equal(escaped, HtmlText.Escape(text));

    [Fact]
    public async Task Png_export_writes_a_png_of_the_layout_size_times_the_scale()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("figure2.png");
        await FigureExport.SavePngAsync(Chart(), path, scale: 1);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8));
        // IHDR: width and height as big-endian integers at bytes 16 and 20; the chart is 1400 × 420.
        Assert.Equal(1400, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(420, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.True(bytes.Length > 20_000);
    }
}
