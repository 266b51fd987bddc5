using Esr.Kernel;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;
using System.Reactive.Linq;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

namespace Esr.Magics.Tests;

/// <summary><c>#!esr experiment</c> on the toy zoo: toy-s-sa60 with its subject latents, the toy prompts and the exact judge.</summary>
public sealed class ExperimentDirectiveTests : IDisposable
{
    private readonly ToyExperiment _toy = new();

    private string Run => _toy.Run;

    private string Cell(int trials, string extra = "") => _toy.Cell(trials, extra);

    [Fact]
    public async Task Experiment_updates_one_progress_display_in_place_then_shows_the_metrics_and_the_trials_and_binds_the_run()
    {
        using var kernel = await MagicsKernel.StartAsync();
        kernel.Session.StreamInterval = TimeSpan.Zero;

        var events = await kernel.RunAsync(Cell(2, "--name run"));

        var shown = events.OfType<DisplayedValueProduced>().ToArray();
        var progress = shown[0];
        var updates = events.OfType<DisplayedValueUpdated>().ToArray();
        Assert.All(updates, update => Assert.Equal(progress.ValueId, update.ValueId));
        var reports = updates.Select(update => update.Value).OfType<RunProgress>().ToArray();
        Assert.Contains(reports, report => report.Done > 0 && report.Total > 0);
        Assert.Matches(@"^\d+/\d+ trials · [\d.]+ trials/min · ETA [-\d:]+ · ", MagicsKernel.Plain(updates.First(u => u.Value is RunProgress { Done: > 0 })));
        var result = Assert.IsType<ExperimentRunResult>(updates[^1].Value);
        Assert.Same(result, await kernel.EvaluateAsync("run"));
        Assert.Equal(Run, result.Directory);
        Assert.NotEmpty(result.Trials);
        var html = MagicsKernel.Html(updates[^1]);
        foreach (var metric in new[] { "first-attempt score", "ESR rate %", "interval", Html(result.Summary!.EsrRate.Value) })
            Assert.Contains(metric, html);
        var frame = Assert.IsType<DataFrame>(Assert.Single(shown.Skip(1)).Value);
        Assert.Equal(Math.Min(10, result.Trials.Count), frame.Rows.Count); // a preview; the run holds every trial
        Assert.Equal(result.Trials.Take(10).Select(t => t.LatentLabel), frame["latent_label"].Cast<string>());
        Assert.DoesNotContain(frame.Columns, column => column.Name == "response");
    }

    [Fact]
    public async Task Cancelling_the_cell_keeps_the_stored_trials_and_running_it_again_resumes_them()
    {
        using var kernel = await MagicsKernel.StartAsync();
        kernel.Session.StreamInterval = TimeSpan.Zero;
        var cell = Cell(6);
        using var cancelled = kernel.Kernel.KernelEvents.OfType<DisplayedValueUpdated>()
            .Where(update => update.Value is RunProgress { Done: >= 2 })
            .Take(1)
            .Subscribe(_ => kernel.Kernel.SendAsync(new Cancel()));

        var first = await kernel.SubmitAsync(cell);

        Assert.Contains(first, e => e is CommandFailed);
        Assert.DoesNotContain(first, e => e is DisplayedValueUpdated { Value: ExperimentRunResult });
        await kernel.Session.ExperimentStoppedAsync();
        var stored = SourceResults.Load(Run).Count;
        Assert.True(stored >= 2, $"{stored} trials stored");

        var again = await kernel.RunAsync(cell);

        var result = Assert.IsType<ExperimentRunResult>(again.OfType<DisplayedValueUpdated>().Last().Value);
        Assert.True(result.Outcome!.AlreadyStored >= stored, $"{result.Outcome.AlreadyStored} resumed of {stored} stored");
        Assert.True(result.Outcome.Written > 0, "the cancelled run had nothing left to do");
        Assert.Equal(result.Outcome.Total, result.Trials.Count);
    }

    [Fact]
    public async Task An_option_of_another_experiment_is_refused_with_one_line_naming_it()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var events = await kernel.SubmitAsync("#!esr experiment 1 --model toy-s-sa60 --judge toy --epsilon 3");

        var failed = Assert.Single(events.OfType<CommandFailed>());
        Assert.StartsWith("#!esr experiment: unknown option '--epsilon' (expected one of --model, ", failed.Message);
        Assert.False(Directory.Exists(Run));
    }

    [Fact]
    public async Task A_repeatable_option_given_twice_reaches_the_experiment_s_own_parser()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var events = await kernel.SubmitAsync($"#!esr experiment 7 --judge a --judge b --trials \"{Run}\"");

        var failed = Assert.Single(events.OfType<CommandFailed>());
        Assert.StartsWith("#!esr experiment: --out <dir> is required", failed.Message);
    }

    [Fact]
    public async Task A_flag_given_false_reaches_the_experiment_s_own_parser()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var events = await kernel.SubmitAsync("#!esr experiment 1 --paper-final-norm false --judge toy");

        var failed = Assert.Single(events.OfType<CommandFailed>());
        Assert.StartsWith("#!esr experiment: --model <dir|name> is required", failed.Message);
    }

    private static string Html(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _toy.Dispose();
}
