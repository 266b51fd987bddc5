using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Esr.Kernel.Toy;

namespace Esr.Cli;

/// <summary>
/// <c>esr toy build</c> rebuilds the toy zoo (models, SAEs, labels, zoo.json) deterministically;
/// <c>esr toy list</c> prints one line per model of a zoo; <c>esr toy eval</c> measures zoo models; <c>esr toy prompts</c>
/// writes the experiment prompts; <c>esr toy detectors</c> finds a model's off-topic detectors by separability.
/// </summary>
internal static class ToyCommand
{
    public static Command Create(TextWriter output)
    {
        var outFolder = new Option<string>("--out") { Description = "Zoo folder to write (model folders in it are replaced)", HelpName = "dir", DefaultValueFactory = _ => ToyZoo.RepositoryFolder };
        var buildThreads = CliOptions.Integer("--threads", 2, "libtorch threads; the files are the same on any x86-64 CPU with AVX2 for a fixed count (the committed zoo was built with 2; on a busy machine 1 is faster)", minimum: 1);
        var sizes = new Option<string[]>("--size")
        {
            Description = "Build only these sizes (repeatable; each size's models depend on nothing else, so sizes built apart equal a whole build); zoo.json then lists only them",
            HelpName = "name",
            AllowMultipleArgumentsPerToken = true,
        };
        var recipe = new Option<string>("--recipe")
        {
            Description = "default: the committed zoo's settings (steering writes the subject's sentences; its off-topic detectors fire on off-topic text); first: the first zoo's (an L1 SAE, steering writes word salad); "
                + "quiet-detectors: default before its detectors learned to fire (the committed zoo until 2026-12-07; docs/TOY_WORLD.md, \"Detectors that fire\")",
            HelpName = "name",
            DefaultValueFactory = _ => "default",
        };
        recipe.AcceptOnlyFromAmong("default", "first", "quiet-detectors");
        var jobs = CliOptions.Integer("--jobs", 2,
            "Build the sizes in this many esr processes at once, each with --threads threads; the files are a one-process build's (the committed zoo: 28-30 min with 2 jobs on 2 cores, about 46 with 1)", minimum: 1);
        var build = new Command("build", "Train the toy zoo from nothing: base models of three sizes, SAEs with labels, self-correction and steering-aware fine-tunes")
        {
            outFolder, buildThreads, sizes, recipe, jobs,
        };
        build.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(outFolder)!;
            var threads = parse.GetValue(buildThreads);
            var recipeName = parse.GetValue(recipe)!;
            var watch = Stopwatch.StartNew();
            var groups = ToyZooTools.PlanJobs(parse.GetValue(jobs), parse.GetValue(sizes), recipeName);
            IReadOnlyList<ToyZooEntry> entries;
            if (groups.Count > 1)
                entries = await ToyBuildJobs.RunAsync(folder, groups, threads, recipeName, cancellationToken);
            else
            {
                Workbench.UsePortableNumerics(); // before the first tensor operation, so that the zoo rebuilds the same on any CPU
                Workbench.SetThreads(threads);
                var log = new Progress(line => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{watch.Elapsed:mm\\:ss}] {line}")));
                entries = ToyZooTools.Build(folder, parse.GetValue(sizes), log, cancellationToken, recipeName);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built {entries.Count} models into {folder} in {watch.Elapsed.TotalMinutes:F1} min on {threads} thread(s){(groups.Count > 1 ? $" in each of {groups.Count} processes" : "")}"));
            return ExitCodes.Success;
        });

        var zoo = new Option<string>("--zoo") { Description = $"Zoo folder (default: ${ToyZoo.Variable}, else toy/zoo found from the app or current folder)", HelpName = "dir" };
        var list = new Command("list", "One line per model of the toy zoo: name, size, parameters, ratio, steering-aware, SAE statistics") { zoo };
        list.SetAction(parse =>
        {
            foreach (var entry in ToyZooTools.List(parse.GetValue(zoo)))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{entry.Name,-14} size {entry.Size}  params {entry.Parameters,9:N0}  ratio {entry.Ratio * 100,3:F0}%  steering-aware {(entry.SteeringAware ? "yes" : "no "),-3}  "
                    + $"SAE blocks.{entry.SaeBlock}.resid_post FVU {entry.Sae.FractionOfVarianceUnexplained:F3} L0 {entry.Sae.MeanL0:F1} dead {entry.Sae.DeadLatents}  subject latents {entry.SubjectLatents.Count}"));
            }
            return ExitCodes.Success;
        });
        var evalZoo = new Option<string>("--zoo") { Description = list.Options.OfType<Option<string>>().First().Description, HelpName = "dir" };
        var models = new Option<string[]>("--model") { Description = "Models to measure (default: all)", HelpName = "name", AllowMultipleArgumentsPerToken = true };
        var prompts = CliOptions.Integer("--prompts", 48, "Task prompts per boost", minimum: 1);
        var boosts = new Option<double[]>("--boost") { Description = "Further boosts to measure, in median residual norms (the calibrated one is always measured)", HelpName = "norms", AllowMultipleArgumentsPerToken = true };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature of the answers", HelpName = "t", DefaultValueFactory = _ => 0.3 };
        var maxTokens = CliOptions.Integer("--max-tokens", 160, "New tokens per answer (room for a restart and a second attempt)", minimum: 1);
        var device = CliOptions.Device();
        var threads = CliOptions.Integer("--threads", 2, "libtorch threads", minimum: 1);
        var evaluate = new Command("eval", "Measure zoo models: unsteered score, calibrated subject-latent threshold (first attempt 30), ESR under steering, make-up of the lost text")
        {
            evalZoo, models, prompts, boosts, temperature, maxTokens, threads, device,
        };
        evaluate.SetAction(async (parse, cancellationToken) =>
        {
            Workbench.SetThreads(parse.GetValue(threads));
            var settings = new ToyMeasureSettings
            {
                Zoo = parse.GetValue(evalZoo), Models = parse.GetValue(models) ?? [], Prompts = parse.GetValue(prompts), Boosts = parse.GetValue(boosts) ?? [],
                Temperature = parse.GetValue(temperature), MaxTokens = parse.GetValue(maxTokens), Device = parse.GetRequiredValue(device),
            };
            var measurements = ToyZooTools.MeasureAsync(settings, cancellationToken);
            output.WriteLine("model          boost(norms)  first  multi%  ESR%  subject-of-lost  garbage-of-lost");
            await foreach (var (model, calibrated, result) in measurements)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model,-14} {result.BoostInNorms,6:F3}{(calibrated ? "*" : " "),-7} {result.Summary.FirstAttemptScore.Value,5:F1}  {result.Summary.MultiAttemptPercent.Value,5:F1}  {result.Summary.EsrRate.Value,4:F1}  {result.SubjectShareOfLost,15:F2}  {result.GarbageShareOfLost,15:F2}"));
            }
            return ExitCodes.Success;
        });
        var promptsOut = new Option<string>("--out") { Description = "Folder to write prompts.txt and meta_prompts.json into (a --data-dir for esr experiment)", HelpName = "dir", Required = true };
        var writePrompts = new Command("prompts", "Write the toy world's experiment prompts (one per task) as prompts.txt, the paper's format, and its meta-prompts (experiment 5) as meta_prompts.json") { promptsOut };
        writePrompts.SetAction(parse =>
        {
            var (path, count) = ToyZooTools.WritePrompts(parse.GetRequiredValue(promptsOut));
            output.WriteLine($"wrote {count} prompts to {path}, and the toy meta-prompts as meta_prompts.json beside it");
            return ExitCodes.Success;
        });
        var detectorModel = new Option<string>("--model") { Description = "The steering-aware toy model: its folder or zoo name", HelpName = "dir|name", Required = true };
        var fromResults = new Option<string>("--from-results") { Description = "An esr experiment 1 run on it, whose steered trials are read", HelpName = "run dir", Required = true };
        var detectorsOut = new Option<string>("--out") { Description = "The detector file to write (esr experiment 3 and 10 --ablate read it)", HelpName = "file.json", Required = true };
        var sae = new Option<string>("--sae") { Description = "The SAE read (default: the model folder's sae/)", HelpName = "dir" };
        var layer = CliOptions.OptionalInteger("--layer", "Block the SAE reads and the steering applies at (default: the block the run steered)", minimum: 0);
        var minAuc = CliOptions.Number("--min-auc", 0.9, "Least AUC of a detector", value => value is >= 0 and <= 1, "between 0 and 1");
        var maxDetectors = CliOptions.Integer("--max-detectors", 26, "Most detectors kept (the paper's set has 26)", minimum: 1);
        var sentenceEnds = new Option<bool>("--sentence-ends") { Description = "Read only each sentence's last token, where the model decides whether a marker follows" };
        var detectorDevice = CliOptions.Device();
        var detectors = new Command("detectors",
            "The toy world's off-topic detectors by separability (not the paper's contrastive rule, experiment 3a): latents whose activation separates "
            + "the off-topic tokens of an experiment-1 run's steered first attempts from their on-task ones, by the exact judge's sentence labels")
        {
            detectorModel, fromResults, detectorsOut, sae, layer, minAuc, maxDetectors, sentenceEnds, detectorDevice,
        };
        detectors.SetAction((parse, cancellationToken) =>
        {
            var file = parse.GetRequiredValue(detectorsOut);
            var result = ToyZooTools.FindDetectors(new ToyDetectorSettings
            {
                Model = parse.GetRequiredValue(detectorModel), FromResults = parse.GetRequiredValue(fromResults), Out = file,
                Sae = parse.GetValue(sae), Layer = parse.GetValue(layer), Rule = new ToyDetectorRule(parse.GetValue(minAuc), parse.GetValue(maxDetectors)),
                SentenceEnds = parse.GetValue(sentenceEnds), Device = parse.GetRequiredValue(detectorDevice),
            }, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Detectors.Count} off-topic detectors (AUC >= {result.Options.Rule.MinAuc}) over {result.Trials} steered trials, "
                + $"{result.OffTopicTokens} off-topic and {result.OnTaskTokens} on-task tokens: "
                + $"[{string.Join(", ", result.Detectors.Select(d => $"{d.Latent} ({d.Auc:F3})"))}]; wrote {file}"));
            return Task.FromResult(ExitCodes.Success);
        });
        return new Command("toy", "The built-in toy world: build, list or measure its zoo of models, write its prompts, or find a model's off-topic detectors")
        {
            build, list, evaluate, writePrompts, detectors,
        };
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
