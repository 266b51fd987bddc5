using Esr.Kernel;
using Microsoft.DotNet.Interactive.Events;
using Plotly.NET;

namespace Esr.Magics.Tests;

/// <summary><c>#!esr figure</c> drawing Figure 2 from a tiny toy experiment 1 run.</summary>
public sealed class FigureDirectiveTests : IAsyncLifetime
{
    private readonly ToyExperiment _toy = new();

    public async Task InitializeAsync() => await Workbench.Experiments.Get("1").RunAsync(_toy.Options(2));

    [Fact]
    public async Task Figure_shows_the_chart_as_interactive_plotly_html_with_a_png_beside_it_and_binds_the_chart()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var events = await kernel.RunAsync($"#!esr figure 2 --results \"{_toy.Run}\" --name chart");

        var shown = events.OfType<DisplayedValueProduced>().ToArray();
        Assert.Equal(2, shown.Length);
        var html = MagicsKernel.Html(shown[0]);
        Assert.Contains("newPlot", html);
        Assert.Contains("https://cdn.plot.ly/plotly-", html);
        var png = Convert.FromBase64String(MagicsKernel.Formatted(shown[1], "image/png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.StartsWith("figure 2 (", MagicsKernel.Plain(shown[0]));
        var chart = Assert.IsAssignableFrom<GenericChart>(await kernel.EvaluateAsync("chart"));
        Assert.Same(shown[0].Value, chart);
    }

    [Fact]
    public async Task Without_chromium_the_figure_shows_the_plotly_chart_and_a_one_line_note()
    {
        using var kernel = await MagicsKernel.StartAsync();
        kernel.Session.FindChromium = () => null;

        var events = await kernel.RunAsync($"#!esr figure 2 --results \"{_toy.Run}\"");

        var shown = events.OfType<DisplayedValueProduced>().ToArray();
        Assert.Contains("newPlot", MagicsKernel.Html(shown[0]));
        Assert.DoesNotContain(shown, display => display.FormattedValues.Any(value => value.MimeType == "image/png"));
        Assert.StartsWith("No PNG beside the chart: no Chromium found", MagicsKernel.Plain(shown[1]));
    }

    [Fact]
    public async Task A_figure_without_results_to_draw_is_one_line_naming_the_path()
    {
        using var kernel = await MagicsKernel.StartAsync();
        var missing = Path.Combine(_toy.Data, "nothing-here");

        var events = await kernel.SubmitAsync($"#!esr figure 2 --results \"{missing}\"");

        var failed = Assert.Single(events.OfType<CommandFailed>());
        Assert.StartsWith("#!esr figure: ", failed.Message);
        Assert.Contains(missing, failed.Message);
        Assert.DoesNotContain('\n', failed.Message);
    }

    public Task DisposeAsync()
    {
        _toy.Dispose();
        return Task.CompletedTask;
    }
}
