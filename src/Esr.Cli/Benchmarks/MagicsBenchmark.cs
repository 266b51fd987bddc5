using System.Diagnostics;
using System.Globalization;
using System.Text;
using Esr.Kernel;
using Esr.Kernel.Analysis;
using Esr.Kernel.Results;
using Esr.Notebooks;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// What the notebook extension adds to an experiment: toy experiment 1 through <c>#!esr experiment</c> in the
/// in-process notebook kernel that <c>esr run</c> uses (progress display, metrics and trials views included) against
/// the same options through the facade, interleaved, each run in a fresh folder; and the time a notebook takes to load
/// the extension from the package feed (<c>#i</c> then <c>#r "nuget:..."</c>).
/// </summary>
public sealed class MagicsBenchmark(TextWriter log)
{
    /// <summary>A finished measurement.</summary>
    /// <param name="LoadSeconds">The <c>#i</c> and <c>#r</c> cells together.</param>
    /// <param name="FacadeSeconds">Each timed run through the facade.</param>
    /// <param name="MagicSeconds">Each timed run through the magic.</param>
    /// <param name="Trials">Trials per run.</param>
    /// <param name="Model">The toy model.</param>
    /// <param name="Extension">How Esr.Magics was loaded.</param>
    public sealed record Result(double LoadSeconds, IReadOnlyList<double> FacadeSeconds, IReadOnlyList<double> MagicSeconds, int Trials, string Model, string Extension)
    {
        /// <summary>The magic's median time over the facade's, minus one.</summary>
        public double Overhead => PairedTests.Median(MagicSeconds) / PairedTests.Median(FacadeSeconds) - 1;
    }

    /// <summary>Runs one untimed warm-up of each path, then <paramref name="repeats"/> timed pairs in alternating order.</summary>
    /// <param name="feed">The package feed the notebook's <c>#i</c>/<c>#r</c> cells load Esr.Magics from.</param>
    /// <param name="extension">Instead of the feed, an Esr.Magics assembly or package folder loaded straight into the kernel (no NuGet restore).</param>
    /// <param name="model">The toy model.</param>
    /// <param name="trialsPerLatent">Trials per latent and condition.</param>
    /// <param name="maxTokens">Tokens per answer.</param>
    /// <param name="repeats">Timed runs of each path.</param>
    /// <param name="work">A scratch folder for the data and the run folders.</param>
    /// <exception cref="EsrInputException">No Esr.Magics package in <paramref name="feed"/>.</exception>
    public async Task<Result> MeasureAsync(string feed, string? extension, string model, int trialsPerLatent, int maxTokens, int repeats, string work)
    {
        var version = extension is null ? PackageVersion(feed) : null;
        var loadedBy = version is null ? $"preloaded from {extension}" : $"{version} by `#i` + `#r \"nuget:...\"` cells";
        var data = ToyExperimentOne.WriteData(work);
        var runs = 0;
        string Folder() => Path.Combine(work, $"run-{runs}");
        string[] Options() => ToyExperimentOne.Options(model, data, Path.Combine(work, $"run-{++runs}"), trialsPerLatent, maxTokens);

        var clock = Stopwatch.StartNew();
        using var kernel = await NotebookKernel.CreateAsync(extension is null ? [] : [extension]);
        if (extension is null)
        {
            clock.Restart();
            await SubmitAsync(kernel, $"#i \"nuget: {Path.GetFullPath(feed)}\"");
            await SubmitAsync(kernel, $"#r \"nuget: Esr.Magics, {version}\"");
        }
        var load = clock.Elapsed.TotalSeconds;
        log.WriteLine($"extension {loadedBy} loaded in {load:F1} s");

        var experiment = Workbench.Experiments.Get("1");
        var trials = 0;
        async Task<double> FacadeAsync()
        {
            var timer = Stopwatch.StartNew();
            var result = await experiment.RunAsync(Options());
            trials = result.Trials.Count;
            return timer.Elapsed.TotalSeconds;
        }
        async Task<double> MagicAsync()
        {
            var timer = Stopwatch.StartNew();
            await SubmitAsync(kernel, "#!esr experiment 1 " + string.Join(' ', Options().Select(Quote)));
            var seconds = timer.Elapsed.TotalSeconds;
            // Both paths must have done the same work for their times to compare.
            var stored = new RunStore(Folder()).ReadTrials().Count;
            if (stored != trials) throw new InvalidOperationException($"the magic stored {stored} trials where the facade stored {trials}");
            return seconds;
        }

        log.WriteLine("warm-up: one run of each");
        await FacadeAsync();
        await MagicAsync();
        var facade = new List<double>();
        var magic = new List<double>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            if (repeat % 2 == 0)
            {
                facade.Add(await FacadeAsync());
                magic.Add(await MagicAsync());
            }
            else
            {
                magic.Add(await MagicAsync());
                facade.Add(await FacadeAsync());
            }
            log.WriteLine($"repeat {repeat + 1}/{repeats}: facade {facade[^1]:F2} s, magic {magic[^1]:F2} s");
        }
        return new Result(load, facade, magic, trials, model, loadedBy);
    }

    /// <summary>The measurement as markdown.</summary>
    public static string Markdown(Result result, string command)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"`{command}`: toy experiment 1 on {result.Model}, {result.Trials} trials per run, Esr.Magics {result.Extension}");
        text.AppendLine();
        text.AppendLine("| path | median s | runs (s) | trials/min |");
        text.AppendLine("|---|---|---|---|");
        foreach (var (path, seconds) in new[] { ("facade (`Workbench.Experiments.Get(\"1\").RunAsync`)", result.FacadeSeconds), ("magic (`#!esr experiment 1`)", result.MagicSeconds) })
        {
            var median = PairedTests.Median(seconds);
            text.AppendLine(invariant, $"| {path} | {median:F2} | {string.Join(", ", seconds.Select(s => s.ToString("F2", invariant)))} | {result.Trials / median * 60:F0} |");
        }
        text.AppendLine();
        text.AppendLine(invariant, $"Magic overhead: {result.Overhead * 100:+0.0;-0.0} % (goal: at most 5 %). Extension load: {result.LoadSeconds:F1} s.");
        return text.ToString();
    }

    private static string PackageVersion(string feed)
    {
        const string prefix = "Esr.Magics.";
        var package = Directory.Exists(feed)
            ? new DirectoryInfo(feed).GetFiles(prefix + "*.nupkg").OrderByDescending(file => file.LastWriteTimeUtc).FirstOrDefault()
            : null;
        return package is null
            ? throw new EsrInputException($"--feed: no {prefix}<version>.nupkg in '{feed}' (environment/setup.sh packs it into artifacts/feed)")
            : Path.GetFileNameWithoutExtension(package.Name)[prefix.Length..];
    }

    private static string Quote(string token) => token.Contains(' ', StringComparison.Ordinal) ? $"\"{token}\"" : token;

    private static async Task SubmitAsync(Microsoft.DotNet.Interactive.Kernel kernel, string code)
    {
        var result = await kernel.SendAsync(new SubmitCode(code));
        if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failed)
            throw new InvalidOperationException($"the cell '{code}' failed: {failed.Message}");
    }
}
