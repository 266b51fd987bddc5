using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Generation;
using Esr.Kernel.Judging;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;

namespace Esr.Cli;

/// <summary>
/// <c>esr experiment &lt;1|2|3|4|5|8|10&gt;</c>: a steering run (docs/EXPERIMENTS.md). Settings are the experiment's
/// defaults (the paper's configuration when --model is a paper short name), then <c>--config</c>, then the flags.
/// Resumes when --out holds a partial run of the same settings; progress on stderr, one summary line (JSON) on stdout.
/// </summary>
internal static class SteeringRunCommand
{
    /// <summary>The environment variable naming the data folder (prompts.txt, meta_prompts.json, detector lists).</summary>
    public const string DataDirectoryVariable = "ESR_DATA_DIR";

    private sealed class Options
    {
        public Option<string> Model { get; } = new("--model") { Description = "Model directory, or a paper short name (llama-3.3-70b, llama-3.1-8b, gemma-2-2b, ...) found in the Hugging Face cache", HelpName = "dir|name", Required = true };
        public Option<string?> Sae { get; } = new("--sae") { Description = "SAE path (a paper name's SAE by default)", HelpName = "path" };
        public Option<int?> Layer { get; } = CliOptions.OptionalInteger("--layer", "Steering block L (blocks.L.resid_post; a Gemma paper name's blocks.L.mlp_out)", minimum: 0, helpName: "L");
        public Option<int?> ReadoutLayer { get; } = CliOptions.OptionalInteger("--readout-layer", "Block the relevance filter reads (default: the paper's, else --layer)", minimum: 0, helpName: "L");
        public Option<string> Judge { get; } = new("--judge") { Description = $"Judge alias or model id, {LocalChatClient.Prefix}<dir>, an OpenAI-compatible endpoint URL, or {JudgeFactory.Toy} (the toy world's exact judge, no model)", HelpName = "alias|url|toy", Required = true };
        public Option<string?> JudgeModel { get; } = new("--judge-model") { Description = "Model name sent to a --judge endpoint URL (default: judge)", HelpName = "name" };
        public Option<string?> ApiKeyEnv { get; } = new("--api-key-env") { Description = "With a --judge or --grader URL: the environment variable holding its key", HelpName = "variable" };
        public Option<string?> JudgeCache { get; } = new("--judge-cache") { Description = "A judge cache folder", HelpName = "dir" };
        public Option<string?> JudgePromptFile { get; } = CliOptions.JudgePromptFile();
        public Option<string?> Labels { get; } = new("--labels") { Description = "Label CSV (index_in_sae,label,...); without it the concreteness filter is skipped", HelpName = "csv" };
        public Option<string?> Grader { get; } = new("--grader")
        {
            Description = $"Concreteness grader of the --labels: alias, model id, {LocalChatClient.Prefix}<dir>, an OpenAI-compatible endpoint URL, "
                + $"or {JudgeFactory.NoGrader} to skip the filter (default with --labels: the paper's {ConcretenessGrader.PaperModel})",
            HelpName = "alias|model|url|none",
        };
        public Option<string?> GraderModel { get; } = new("--grader-model") { Description = "Model name sent to a --grader endpoint URL (default: grader)", HelpName = "name" };
        public Option<string?> GraderCache { get; } = new("--grader-cache")
        {
            Description = $"Concreteness score cache, shared by runs and shards (default ${JudgeFactory.CacheVariable}/concreteness, else $XDG_CACHE_HOME/esr/concreteness, else ~/.cache/esr/concreteness)",
            HelpName = "dir",
        };
        public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = $"Folder with prompts.txt, meta_prompts.json, off_topic_detectors_paper26.json, random_control_sets.json (default ${DataDirectoryVariable})", HelpName = "dir" };
        public Option<string?> Config { get; } = new("--config") { Description = "JSON file of experiment settings (snake_case; see docs/EXPERIMENTS.md)", HelpName = "file.json" };
        public Option<string?> Out { get; } = new("--out") { Description = "Run folder (default runs/experiment-<id>-<model>-seed<N>); resumed when it holds a partial run", HelpName = "dir" };
        public Option<string?> Shard { get; } = new("--shard") { Description = "Run shard i of n (by latent); merge with 'esr experiment merge'", HelpName = "i/n" };
        public Option<int> Seed { get; } = CliOptions.Integer("--seed", 0, "Run seed: latents, prompts and per-trial seeds derive from it");
        public Option<string?> FromResults { get; } = new("--from-results") { Description = "A run folder or a paper result JSON whose latents, thresholds and prompts are reused", HelpName = "path" };
        public Option<int?> NFeatures { get; } = CliOptions.OptionalInteger("--n-features", "Latents to select", minimum: 1);
        public Option<string?> Latents { get; } = new("--latents") { Description = "Steer these latents instead of selecting them: l1,l2,... or a file of latents (one per line or comma-separated; a toy model's subject_latents.txt)", HelpName = "list|file" };
        public Option<int?> NTrials { get; } = CliOptions.OptionalInteger("--n-trials", "Prompts per latent", minimum: 1);
        public Option<int?> MaxTokens { get; } = CliOptions.OptionalInteger("--max-tokens", "Most new tokens per trial (512)", minimum: 1);
        public Option<int?> CalibrationTokens { get; } = CliOptions.OptionalInteger("--calibration-max-tokens", "Most new tokens in calibration (256)", minimum: 1);
        public Option<int?> CalibrationSteps { get; } = CliOptions.OptionalInteger("--calibration-steps", "Bisection steps per latent", minimum: 1);
        public Option<double?> RepetitionPenalty { get; } = new("--repetition-penalty") { Description = "Repetition penalty (default by model, as the shipped code)", HelpName = "number" };
        public Option<bool> NoExtraHeader { get; } = new("--no-paper-extra-header") { Description = "Do not append the paper's extra Llama assistant header (quirk 4)" };
        public Option<bool?> PaperFinalNorm { get; } = new("--paper-final-norm") { Description = "Llama only: the paper's final-norm quirk (quirk 6); default on for a Llama paper name, off otherwise; --paper-final-norm false turns it off", HelpName = "true|false" };
        public Option<bool> FreshPrompts { get; } = new("--fresh-prompts") { Description = "With --from-results: draw new prompts per latent instead of reusing the source's" };
        public Option<int?> RelevancePrompts { get; } = CliOptions.OptionalInteger("--n-prompts", "Prompts the relevance filter reads (default all)", minimum: 1);
        public Option<bool> Recalibrate { get; } = new("--recalibrate-thresholds") { Description = "Ignore --from-results thresholds; calibrate on this model" };
        public Option<string?> ThresholdCache { get; } = new("--threshold-cache") { Description = "Threshold cache file (default in the run folder)", HelpName = "file.json" };
        public Option<string?> Ablate { get; } = new("--ablate") { Description = "Detectors: l1,l2,... or a JSON file with off_topic_detectors (Exp 3, 10; default the data folder's paper set)", HelpName = "list|file" };
        public Option<string?> Variants { get; } = new("--variants") { Description = "Exp 5: comma-separated variant ids (default all)", HelpName = "ids" };
        public Option<string?> Relevance { get; } = new("--relevance") { Description = "Relevance filter: all_zero (code), top100 (paper notes) or none", HelpName = "rule" };
        public Option<int> BatchSize { get; } = CliOptions.Integer("--batch-size", 16, "Generations per batch", minimum: 1);
        public Option<int> JudgeConcurrency { get; } = CliOptions.Integer("--judge-concurrency", 8, "Judge calls in flight", minimum: 1);
        public Option<int> CalibrationConcurrency { get; } = CliOptions.Integer("--calibration-concurrency", 8, "Latents calibrating at once (their generations share batches)", minimum: 1);
        public Option<string> Dtype { get; } = CliOptions.Dtype();

        public IEnumerable<Option> All =>
        [
            Model, Sae, Layer, ReadoutLayer, Judge, JudgeModel, ApiKeyEnv, JudgeCache, JudgePromptFile, Labels, Grader, GraderModel, GraderCache, DataDirectory, Config, Out, Shard, Seed,
            FromResults, NFeatures, Latents, NTrials, MaxTokens, CalibrationTokens, CalibrationSteps, RepetitionPenalty, NoExtraHeader, PaperFinalNorm, FreshPrompts, RelevancePrompts, Recalibrate,
            ThresholdCache, Ablate, Variants, Relevance, BatchSize, JudgeConcurrency, CalibrationConcurrency, Dtype,
        ];
    }

    public static Command Create(string experiment, string description, TextWriter output)
    {
        var options = new Options();
        var command = new Command(experiment, description);
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => RunAsync(experiment, options, parse, output, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string experiment, Options o, ParseResult parse, TextWriter output, CancellationToken cancellationToken)
    {
        var modelArgument = parse.GetRequiredValue(o.Model);
        PaperConfiguration? paper = null;
        var modelDirectory = modelArgument;
        if (!Directory.Exists(modelArgument))
        {
            try
            {
                paper = PaperConfigurations.Get(modelArgument);
            }
            catch (KeyNotFoundException e)
            {
                throw new EsrInputException($"--model '{modelArgument}' is no directory and no paper short name: {e.Message}");
            }
            modelDirectory = paper.ModelDirectory();
        }
        var saePath = parse.GetValue(o.Sae) ?? paper?.SaePath() ?? throw new EsrInputException("--sae <path> is needed for a model that is not a paper short name");
        var layer = parse.GetValue(o.Layer) ?? paper?.SteeringBlock ?? throw new EsrInputException("--layer <L> is needed for a model that is not a paper short name");
        var readout = parse.GetValue(o.ReadoutLayer) ?? paper?.ReadoutBlock ?? layer;
        var data = parse.GetValue(o.DataDirectory) ?? Environment.GetEnvironmentVariable(DataDirectoryVariable)
            ?? throw new EsrInputException($"--data-dir <dir> (or ${DataDirectoryVariable}) is needed: the folder holding prompts.txt");
        var prompts = PromptsFile.Read(Path.Combine(data, "prompts.txt"), "--data-dir prompts file").ToArray();
        var seed = parse.GetValue(o.Seed);
        var shard = parse.GetValue(o.Shard) is { } shardText ? Shard(shardText) : null;
        var labels = parse.GetValue(o.Labels) is { } labelFile ? LatentLabels.Load(labelFile) : null;
        var judgePrompt = JudgeFactory.LoadPrompt(JudgeFactory.PromptFileOption, parse.GetValue(o.JudgePromptFile));
        // Made before the model loads, so a missing key fails at once rather than after minutes of loading.
        using var grader = CreateGrader(o, parse, labels is not null);
        var modelName = paper?.ShortName ?? ModelName(modelDirectory);
        var outDirectory = parse.GetValue(o.Out)
            ?? Path.Combine("runs", Kernel.SafeFileName.From($"experiment-{experiment}-{modelName}-seed{seed}" + (shard is null ? "" : $"-shard{shard.Index}of{shard.Count}")));
        var store = new RunStore(outDirectory);
        // Taken before the model loads too: a second writer on the folder fails at once, naming the first.
        using var writer = store.LockForWriting();

        using var model = ModelLoading.Load(modelDirectory, CliOptions.ScalarTypeOf(parse.GetRequiredValue(o.Dtype)));
        using var sae = SaeSteering.LoadFor(saePath, layer, model);
        if (readout >= model.Config.LayerCount) throw new EsrInputException($"--readout-layer {readout}: the model has blocks 0 to {model.Config.LayerCount - 1}");
        var settings = Settings(experiment, o, parse, paper, modelDirectory, modelName, layer, readout, sae.LatentCount, data) with { ConcretenessGrader = grader?.Name };
        PaperFinalNorm.Apply(model, settings.PaperFinalNorm, "--paper-final-norm (paper_final_norm)");

        using var tokenizer = TextTokenizer.Load(modelDirectory);
        var template = ChatTemplate.ForModelDirectory(modelDirectory, ChatTemplateOptions.Default with { AppendPapersExtraAssistantHeader = settings.PaperExtraAssistantHeader });
        var generator = new SteeredGenerator(model, tokenizer, template, sae, settings.SteeringHook, StopTokens.FromModelDirectory(modelDirectory, tokenizer),
            new SamplingOptions(settings.Temperature, settings.TopP, settings.RepetitionPenalty, settings.MaxNewTokens));
        var client = JudgeFactory.Create(parse.GetRequiredValue(o.Judge), null, parse.GetValue(o.ApiKeyEnv), judgePrompt,
            JudgeClientOptions.OpenAiCompatible.MaxOutputTokens, parse.GetValue(o.JudgeModel));
        using var owned = client as IDisposable;
        IJudge judge = parse.GetValue(o.JudgeCache) is { } cacheFolder ? new CachingJudge(client, new JudgeCache(cacheFolder)) : client;

        var cachePath = parse.GetValue(o.ThresholdCache)
            ?? Path.Combine(store.Directory, ThresholdCache.FileName(settings.Model, settings.UsesAblationCache));
        var runOptions = new RunOptions(cachePath, parse.GetValue(o.BatchSize), parse.GetValue(o.JudgeConcurrency), shard, parse.GetValue(o.CalibrationConcurrency));
        var relevancePrompts = settings.RelevancePrompts is { } n ? prompts.Take(n).ToArray() : prompts;
        var relevance = new RelevanceFilter(model, tokenizer, template, sae, settings.ReadoutHook, relevancePrompts, settings.RelevanceFilter);
        ConcretenessGrading? concreteness = grader is null ? null : grader.GradeAsync;
        var inputs = new PlanInputs(seed, prompts, latent => labels?[latent] ?? LatentLabels.Placeholder(latent),
            settings.FromResults is { } from ? SourceResults.Load(from) : null,
            (random, ct) => LatentSelector.SelectAsync(settings, labels, random, concreteness, (candidates, c) => Task.FromResult(relevance.Keep(candidates, c)), ct));
        var identity = new RunIdentity(ModelIdentity.Hash(modelDirectory), ModelIdentity.Hash(saePath), RunIdentity.CurrentVersion);
        var manifest = ExperimentRun.Manifest(settings, seed, identity, judge.Name, shard) with { JudgePromptSha256 = judge.Prompt.Sha256 };

        var outcome = await ExperimentRun.RunAsync(new ExperimentRunner(generator, judge, runOptions), store, manifest, settings, inputs, runOptions,
            new StderrProgress(), cancellationToken);
        var trials = store.ReadTrials();
        var summary = EsrMetrics.Summarize(trials.Select(t => t.ToGradedTrial()));
        output.WriteLine(JsonSerializer.Serialize(new
        {
            @out = store.Directory, experiment, model = settings.Model, shard = shard?.ToString(), total = outcome.Total, stored = trials.Count,
            written = outcome.Written, already_stored = outcome.AlreadyStored, trials_per_minute = Math.Round(outcome.TrialsPerMinute, 2),
            included = summary.Included, multi_attempt_percent = summary.MultiAttemptPercent.Value, esr_rate = summary.EsrRate.Value,
            first_attempt_score = summary.FirstAttemptScore.Value,
        }, TrialJson.Options));
        return ExitCodes.Success;
    }

    private static ExperimentSettings Settings(
        string experiment, Options o, ParseResult parse, PaperConfiguration? paper, string modelDirectory, string modelName, int layer, int readout, int saeWidth, string data)
    {
        var defaults = ExperimentSettings.ForExperiment(experiment, paper, modelDirectory) with
        {
            Model = modelName, SteeringBlock = layer, ReadoutBlock = readout, SaeWidth = saeWidth,
        };
        var s = parse.GetValue(o.Config) is { } file ? ExperimentSettings.Load(file, defaults) : defaults;
        if (parse.GetValue(o.NFeatures) is { } nFeatures) s = s with { NFeatures = nFeatures };
        if (parse.GetValue(o.Latents) is { } latents) s = s with { Latents = LatentsOption(latents) };
        if (parse.GetValue(o.NTrials) is { } nTrials) s = s with { TrialsPerFeature = nTrials };
        if (parse.GetValue(o.MaxTokens) is { } maxTokens) s = s with { MaxNewTokens = maxTokens };
        if (parse.GetValue(o.CalibrationTokens) is { } calibrationTokens) s = s with { CalibrationMaxTokens = calibrationTokens };
        if (parse.GetValue(o.CalibrationSteps) is { } steps) s = s with { Calibration = s.Calibration with { Trials = steps } };
        if (parse.GetValue(o.RepetitionPenalty) is { } penalty) s = s with { RepetitionPenalty = penalty };
        if (parse.GetValue(o.NoExtraHeader)) s = s with { PaperExtraAssistantHeader = false };
        if (parse.GetValue(o.PaperFinalNorm) is { } finalNorm) s = s with { PaperFinalNorm = finalNorm };
        if (parse.GetValue(o.Recalibrate)) s = s with { RecalibrateThresholds = true };
        if (parse.GetValue(o.FreshPrompts)) s = s with { FreshPrompts = true };
        if (parse.GetValue(o.RelevancePrompts) is { } relevancePrompts) s = s with { RelevancePrompts = relevancePrompts };
        if (parse.GetValue(o.FromResults) is { } from) s = s with { FromResults = Path.GetFullPath(from) };
        if (s.Latents is not null && s.FromResults is not null)
            throw new EsrInputException("--latents and --from-results exclude each other: the source's trials name their latents");
        if (parse.GetValue(o.Relevance) is { } rule)
        {
            s = s with
            {
                RelevanceFilter = rule switch
                {
                    "all_zero" => RelevanceRule.AllZero,
                    "top100" => RelevanceRule.Top100,
                    "none" => RelevanceRule.None,
                    _ => throw new EsrInputException($"--relevance must be all_zero, top100 or none, not '{rule}'"),
                },
            };
        }
        if ((experiment is "3" or "10") && (parse.GetValue(o.Ablate) is not null || s.AblateLatents.Count == 0))
            s = s with { AblateLatents = Detectors(parse.GetValue(o.Ablate) ?? Path.Combine(data, "off_topic_detectors_paper26.json")) };
        // The paper's own random sets, for its detectors on its model; other runs draw theirs.
        if (experiment == "10" && paper?.RandomAblationSetsFile is { } setsFile && parse.GetValue(o.Ablate) is null && s.RandomAblationLatents is null)
            s = s with { RandomAblationLatents = RandomControlSets.Read(Path.Combine(data, setsFile), s), RandomAblationSetsFile = setsFile };
        if (experiment == "5")
        {
            var variants = MetaPrompts(Path.Combine(data, "meta_prompts.json")) ?? s.PromptVariants;
            if (parse.GetValue(o.Variants) is { } ids)
            {
                var wanted = ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                foreach (var id in wanted.Where(id => variants.All(v => v.Id != id)))
                    throw new EsrInputException($"--variants: unknown variant '{id}' (known: {string.Join(", ", variants.Select(v => v.Id))})");
                variants = variants.Where(v => wanted.Contains(v.Id)).ToArray();
            }
            s = s with { PromptVariants = variants };
        }
        return s;
    }

    /// <summary>
    /// The folder's name, or for a Hugging Face cache snapshot (<c>models--org--name/snapshots/&lt;commit&gt;</c>) the
    /// repository's name, so runs are named after the model rather than a commit hash.
    /// </summary>
    private static string ModelName(string modelDirectory)
    {
        var full = Path.GetFullPath(modelDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        var repository = parent is null ? null : Path.GetFileName(Path.GetDirectoryName(parent));
        return Path.GetFileName(parent) == "snapshots" && repository is not null && repository.StartsWith("models--", StringComparison.Ordinal)
            ? repository[(repository.LastIndexOf("--", StringComparison.Ordinal) + 2)..]
            : Path.GetFileName(full);
    }

    private static ShardSpec Shard(string text)
    {
        try
        {
            return ShardSpec.Parse(text);
        }
        catch (FormatException e)
        {
            throw new EsrInputException(e.Message);
        }
    }

    /// <summary>
    /// The concreteness grader (ESR_SPEC §3 step 2): --grader, else the paper's when there are labels; none without
    /// labels (the spec's no-label path), where a --grader other than none is refused.
    /// </summary>
    private static ConcretenessGrader? CreateGrader(Options o, ParseResult parse, bool hasLabels)
    {
        var choice = parse.GetValue(o.Grader);
        if (!hasLabels)
        {
            return choice is null or JudgeFactory.NoGrader
                ? null
                : throw new EsrInputException($"--grader {choice} needs --labels: the grader rates label texts");
        }
        return JudgeFactory.CreateGrader(choice ?? ConcretenessGrader.PaperModel, parse.GetValue(o.GraderModel) ?? "grader",
            parse.GetValue(o.ApiKeyEnv), parse.GetValue(o.GraderCache) ?? JudgeFactory.DefaultGraderCache);
    }

    /// <summary>--latents: a comma-separated list, or a file of latents separated by commas or line breaks.</summary>
    private static int[] LatentsOption(string value)
    {
        if (!File.Exists(value)) return SaeSteeringOptions.LatentList("--latents", value);
        var text = string.Join(',', File.ReadAllLines(value).Select(line => line.Trim()).Where(line => line.Length > 0));
        return SaeSteeringOptions.LatentList($"--latents {value}", text);
    }

    /// <summary>A comma-separated list, or a JSON file with an <c>off_topic_detectors</c> array.</summary>
    private static int[] Detectors(string value)
    {
        if (!File.Exists(value)) return SaeSteeringOptions.LatentList("--ablate", value);
        var node = JsonNode.Parse(File.ReadAllText(value));
        var list = (node as JsonObject)?["off_topic_detectors"] as JsonArray ?? node as JsonArray
            ?? throw new EsrInputException($"{value}: expected an 'off_topic_detectors' array of latent indices");
        return list.Select(n => n?.GetValue<int>() ?? throw new EsrInputException($"{value}: off_topic_detectors holds a null")).ToArray();
    }

    /// <summary>Exp 5's templates from the data folder's meta_prompts.json ({variants:[{id, template}]}), null when absent.</summary>
    private static PromptVariant[]? MetaPrompts(string path)
    {
        if (!File.Exists(path)) return null;
        var variants = JsonNode.Parse(File.ReadAllText(path))?["variants"] as JsonArray
            ?? throw new EsrInputException($"{path}: expected a 'variants' array");
        return variants.Select((v, i) => new PromptVariant(
            v?["id"]?.GetValue<string>() ?? throw new EsrInputException($"{path}: variants[{i}] has no string 'id'"),
            v["template"]?.GetValue<string>() ?? throw new EsrInputException($"{path}: variants[{i}] has no string 'template'"))).ToArray();
    }

    /// <summary>Progress lines on stderr, at most one every two seconds plus the last.</summary>
    private sealed class StderrProgress : IProgress<RunProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private TimeSpan _last = TimeSpan.FromSeconds(-10);

        public void Report(RunProgress value)
        {
            lock (_since)
            {
                if (_since.Elapsed - _last < TimeSpan.FromSeconds(2) && value.Done < value.Total) return;
                _last = _since.Elapsed;
                var eta = value.Eta is { } left ? $", ETA {left:hh\\:mm\\:ss}" : "";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"esr: {value.Done}/{value.Total} trials, {value.TrialsPerMinute:0.0}/min{eta} ({value.Phase})"));
            }
        }
    }
}
