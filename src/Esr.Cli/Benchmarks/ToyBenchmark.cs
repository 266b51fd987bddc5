using System.Diagnostics;
using System.Globalization;
using System.Text;
using Esr.Kernel;
using Esr.Kernel.Analysis;
using Esr.Kernel.Benchmarks;
using Esr.Kernel.Generation;
using Esr.Kernel.Models;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// The toy zoo's speed: greedy decoding tokens/s of the engine against <see cref="BareLlamaLoop"/> on the same weights
/// (the floor for per-operation overhead on models this small), interleaved, at each batch size; and toy experiment
/// 1's trials per minute through the facade. The goal (issue 15) is at most 1.2× the bare loop's time per token.
/// </summary>
public sealed class ToyBenchmark(TextWriter log)
{
    /// <summary>One model at one batch size: decode tokens/s (every row's tokens) of the engine and of the bare loop.</summary>
    public sealed record Row(string Model, int Batch, double EngineTokensPerSecond, double BareTokensPerSecond, bool SameTokens)
    {
        /// <summary>The engine's time per token over the bare loop's.</summary>
        public double TimeRatio => BareTokensPerSecond / EngineTokensPerSecond;
    }

    /// <summary>Toy experiment 1 on one model: trials per run and each run's seconds.</summary>
    public sealed record ExperimentRun(string Model, int Trials, IReadOnlyList<double> Seconds)
    {
        /// <summary>Trials per minute at the median run.</summary>
        public double TrialsPerMinute => Trials / PairedTests.Median(Seconds) * 60;
    }

    /// <summary>A whole run.</summary>
    public sealed record Result(IReadOnlyList<Row> Rows, IReadOnlyList<ExperimentRun> Experiments, string Load);

    /// <summary>Measures every model in <paramref name="models"/>; experiment runs go to folders under <paramref name="work"/>.</summary>
    public async Task<Result> MeasureAsync(IReadOnlyList<string> models, int[] batchSizes, int promptTokens, int newTokens, int repeats,
        int trialsPerLatent, int maxTokens, int threads, string work)
    {
        Workbench.SetThreads(threads);
        var loadBefore = LoadAverage.Now();
        var rows = new List<Row>();
        var random = new Random(3);
        foreach (var model in models)
        {
            var directory = ModelReference.Resolve(model).Directory;
            using var engine = CausalLanguageModel.Load(directory);
            using var bare = new BareLlamaLoop(directory);
            var generator = new BatchGenerator(engine);
            foreach (var batch in batchSizes)
            {
                var prompts = Enumerable.Range(0, batch)
                    .Select(_ => Enumerable.Range(0, promptTokens).Select(_ => random.Next(engine.Config.VocabularySize)).ToArray()).ToArray();
                GreedyRun.Time(generator, prompts, 2);
                bare.Generate(prompts, 2);
                var ours = new List<double>();
                var theirs = new List<double>();
                var same = true;
                for (var repeat = 0; repeat < repeats; repeat++)
                {
                    var engineRun = GreedyRun.Time(generator, prompts, newTokens);
                    var bareRun = bare.Generate(prompts, newTokens);
                    ours.Add(engineRun.DecodeTokensPerSecond);
                    theirs.Add(batch * (newTokens - 1) / bareRun.DecodeSeconds);
                    same &= engineRun.Tokens.Zip(bareRun.Tokens).All(pair => pair.First.SequenceEqual(pair.Second));
                }
                var row = new Row(model, batch, PairedTests.Median(ours), PairedTests.Median(theirs), same);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model} batch {batch}: engine {row.EngineTokensPerSecond:F0} tok/s, bare loop {row.BareTokensPerSecond:F0} tok/s, time ratio {row.TimeRatio:F2}; same greedy tokens: {same}"));
                rows.Add(row);
            }
        }

        var experiments = new List<ExperimentRun>();
        var data = ToyExperimentOne.WriteData(work);
        var runs = 0;
        foreach (var model in models)
        {
            var seconds = new List<double>();
            var trials = 0;
            for (var repeat = 0; repeat <= repeats; repeat++) // the first run warms up, untimed
            {
                var clock = Stopwatch.StartNew();
                var result = await Workbench.Experiments.Get("1").RunAsync(
                    ToyExperimentOne.Options(model, data, Path.Combine(work, $"run-{++runs}"), trialsPerLatent, maxTokens));
                if (repeat > 0) seconds.Add(clock.Elapsed.TotalSeconds);
                trials = result.Trials.Count;
            }
            var run = new ExperimentRun(model, trials, seconds);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model} experiment 1: {trials} trials, {run.TrialsPerMinute:F0} trials/min"));
            experiments.Add(run);
        }
        return new Result(rows, experiments, $"{loadBefore} at the start, {LoadAverage.Now()} at the end");
    }

    /// <summary>The measurement as markdown.</summary>
    public static string Markdown(Result result, string command)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({LoadAverage.CpuModel()}), load average {result.Load}.");
        text.AppendLine();
        text.AppendLine("| model | batch | engine decode tok/s | bare loop decode tok/s | engine time / bare time (goal ≤ 1.2) | same greedy tokens |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in result.Rows)
            text.AppendLine(invariant, $"| {row.Model} | {row.Batch} | {row.EngineTokensPerSecond:F0} | {row.BareTokensPerSecond:F0} | {row.TimeRatio:F2} | {(row.SameTokens ? "yes" : "no")} |");
        text.AppendLine();
        text.AppendLine("| model | toy experiment 1 trials per run | median s | trials/min |");
        text.AppendLine("|---|---|---|---|");
        foreach (var run in result.Experiments)
            text.AppendLine(invariant, $"| {run.Model} | {run.Trials} | {PairedTests.Median(run.Seconds):F2} | {run.TrialsPerMinute:F0} |");
        return text.ToString();
    }
}
