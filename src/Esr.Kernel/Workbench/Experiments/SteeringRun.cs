using System.Text.Json;
using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Generation;
using Esr.Kernel.Judging;
using Esr.Kernel.Options;
using Esr.Kernel.Results;
using Esr.Kernel.Saes;
using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>
/// One start of a steering run from its options (docs/EXPERIMENTS.md): the model, SAE, blocks and data folder; the
/// grader and judge (made before the model loads, so a missing key fails at once); the writer lock; the settings;
/// the loaded model; the generator, relevance filter and plan inputs; identity and manifest; then the run engine.
/// </summary>
internal static class SteeringRun
{
    public static async Task<ExperimentRunResult> RunAsync(SteeringProtocol protocol, OptionValues o, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var reference = ModelReference.Resolve(o.Text("--model"));
        var (paper, toy) = (reference.Paper, reference.Toy);
        var saePath = o.OptionalText("--sae") ?? (paper is not null ? paper.SaePath() : null)
            ?? reference.ToySaePath
            ?? throw new EsrInputException("--sae <path> is needed for a model that is not a paper short name");
        var layer = o.OptionalInteger("--layer") ?? paper?.SteeringBlock ?? toy?.SaeBlock
            ?? throw new EsrInputException("--layer <L> is needed for a model that is not a paper short name");
        var readout = o.OptionalInteger("--readout-layer") ?? paper?.ReadoutBlock ?? layer;
        var data = o.OptionalText("--data-dir") ?? Environment.GetEnvironmentVariable(SteeringRunDefinition.DataDirectoryVariable)
            ?? throw new EsrInputException($"--data-dir <dir> (or ${SteeringRunDefinition.DataDirectoryVariable}) is needed: the folder holding prompts.txt");
        var prompts = PromptsFile.Read(Path.Combine(data, "prompts.txt"), "--data-dir prompts file").ToArray();
        var seed = o.Integer("--seed");
        var shard = o.OptionalText("--shard") is { } shardText ? Shard(shardText) : null;
        var labels = o.OptionalText("--labels") is { } labelFile ? LatentLabels.Load(labelFile) : null;
        // A toy model's own labels name its trials; they do not turn on the concreteness filter, which --labels does.
        var names = labels ?? (toy is not null ? LatentLabels.Load(Path.Combine(reference.Directory, ToyZoo.LabelsFile)) : null);
        var judgePrompt = JudgeFactory.LoadPrompt(JudgeFactory.PromptFileOption, o.OptionalText(JudgeFactory.PromptFileOption));
        // Made before the model loads, so a missing key fails at once rather than after minutes of loading.
        using var grader = CreateGrader(o, labels is not null);
        var outDirectory = o.OptionalText("--out")
            ?? Path.Combine("runs", SafeFileName.From($"experiment-{protocol.Id}-{reference.Name}-seed{seed}" + (shard is null ? "" : $"-shard{shard.Index}of{shard.Count}")));
        var store = new RunStore(outDirectory);
        // Taken before the model loads too: a second writer on the folder fails at once, naming the first.
        using var writer = store.LockForWriting();

        var settings = Settings(protocol, o, reference, layer, readout);
        using var loaded = ExperimentModel.Load(reference, new LoadOptions
        {
            Dtype = o.Text("--dtype"), Device = o.Text("--device"), Sae = saePath, SaeLayer = layer,
            PaperExtraHeader = settings.PaperExtraAssistantHeader, PaperFinalNorm = settings.PaperFinalNorm,
        }, "--paper-final-norm (paper_final_norm)", ("--layer", layer), ("--readout-layer", readout));
        var sae = loaded.Sae!.Sae;
        settings = protocol.WithData(settings with { SaeWidth = sae.LatentCount, ConcretenessGrader = grader?.Name },
            new SteeringData(data, paper, o.OptionalText("--ablate"), o.OptionalText("--variants")));
        if (settings.RandomAblationMatchedTo is { } matchedTo) settings = WithMatchedSets(settings, store, loaded, matchedTo, cancellationToken);

        var generator = new SteeredGenerator(loaded.Model, loaded.Tokenizer, loaded.Template, sae, settings.SteeringHook, loaded.StopTokenIds,
            new SamplingOptions(settings.Temperature, settings.TopP, settings.RepetitionPenalty, settings.MaxNewTokens));
        var client = JudgeFactory.Create(o.Text("--judge"), null, o.OptionalText("--api-key-env"), judgePrompt,
            JudgeClientOptions.OpenAiCompatible.MaxOutputTokens, o.OptionalText("--judge-model"));
        using var owned = client as IDisposable;
        IJudge judge = o.OptionalText("--judge-cache") is { } cacheFolder ? new CachingJudge(client, new JudgeCache(cacheFolder)) : client;

        var cachePath = o.OptionalText("--threshold-cache") ?? Path.Combine(store.Directory, ThresholdCache.FileName(settings.Model, settings.UsesAblationCache));
        var runOptions = new RunOptions(cachePath, o.Integer("--batch-size"), o.Integer("--judge-concurrency"), shard, o.Integer("--calibration-concurrency"));
        var relevancePrompts = settings.RelevancePrompts is { } n ? prompts.Take(n).ToArray() : prompts;
        var relevance = new RelevanceFilter(loaded.Model, loaded.Tokenizer, loaded.Template, sae, settings.ReadoutHook, relevancePrompts, settings.RelevanceFilter);
        ConcretenessGrading? concreteness = grader is null ? null : grader.GradeAsync;
        var inputs = new PlanInputs(seed, prompts, latent => names?[latent] ?? LatentLabels.Placeholder(latent),
            settings.FromResults is { } from ? SourceResults.Load(from) : null,
            (random, ct) => LatentSelector.SelectAsync(settings, labels, random, concreteness, (candidates, c) => Task.FromResult(relevance.Keep(candidates, c)), ct))
        {
            PromptLabel = toy is not null ? ToyMetaPrompts.LabelText : null,
        };
        var manifest = RunLauncher.Manifest(settings, seed, ModelIdentity.Hash(reference.Directory), ModelIdentity.Hash(saePath), judge.Name, shard)
            with { JudgePromptSha256 = judge.Prompt.Sha256, Dtype = o.Text("--dtype"), Device = o.Text("--device") };

        var outcome = await RunLauncher.RunAsync(new TrialRunner(generator, judge, runOptions), store, manifest, settings, inputs, runOptions,
            progress, cancellationToken).ConfigureAwait(false);
        var trials = store.ReadTrials();
        var summary = EsrMetrics.Summarize(trials.Select(t => t.ToGradedTrial()));
        var report = JsonSerializer.Serialize(new
        {
            @out = store.Directory, experiment = protocol.Id, model = settings.Model, shard = shard?.ToString(), total = outcome.Total, stored = trials.Count,
            written = outcome.Written, already_stored = outcome.AlreadyStored, trials_per_minute = Math.Round(outcome.TrialsPerMinute, 2),
            included = summary.Included, multi_attempt_percent = summary.MultiAttemptPercent.Value, esr_rate = summary.EsrRate.Value,
            first_attempt_score = summary.FirstAttemptScore.Value,
        }, TrialJson.Options);
        return new ExperimentRunResult(protocol.Id, store.Directory, report)
        {
            Manifest = store.ReadManifest(), Trials = trials, Summary = summary, Outcome = outcome,
        };
    }

    /// <summary>The experiment's defaults for the model, then <c>--config</c>, then the options (the SAE's width comes with the SAE).</summary>
    private static ExperimentSettings Settings(SteeringProtocol protocol, OptionValues o, ModelReference reference, int layer, int readout)
    {
        var defaults = ExperimentSettings.ForExperiment(protocol.Id, reference.Paper, reference.Name) with
        {
            Model = reference.Name, SteeringBlock = layer, ReadoutBlock = readout,
        };
        var s = o.OptionalText("--config") is { } file ? ExperimentSettings.Load(file, defaults) : defaults;
        if (o.OptionalInteger("--n-features") is { } nFeatures) s = s with { NFeatures = nFeatures };
        if (o.OptionalText("--latents") is { } latents) s = s with { Latents = LatentList.ParseOrRead("--latents", latents) };
        if (o.OptionalInteger("--n-trials") is { } nTrials) s = s with { TrialsPerFeature = nTrials };
        if (o.OptionalInteger("--max-tokens") is { } maxTokens) s = s with { MaxNewTokens = maxTokens };
        if (o.OptionalInteger("--calibration-max-tokens") is { } calibrationTokens) s = s with { CalibrationMaxTokens = calibrationTokens };
        if (o.OptionalInteger("--calibration-steps") is { } steps) s = s with { Calibration = s.Calibration with { Trials = steps } };
        if (o.OptionalNumber("--repetition-penalty") is { } penalty) s = s with { RepetitionPenalty = penalty };
        if (o.Flag("--no-paper-extra-header")) s = s with { PaperExtraAssistantHeader = false };
        if (o.OptionalFlag("--paper-final-norm") is { } finalNorm) s = s with { PaperFinalNorm = finalNorm };
        if (o.Flag("--recalibrate-thresholds")) s = s with { RecalibrateThresholds = true };
        if (o.Flag("--fresh-prompts")) s = s with { FreshPrompts = true };
        if (o.OptionalInteger("--n-prompts") is { } relevancePrompts) s = s with { RelevancePrompts = relevancePrompts };
        if (o.OptionalText("--from-results") is { } from) s = s with { FromResults = Path.GetFullPath(from) };
        if (o.OptionalText("--match-random-sets") is { } matchedTo) s = s with { RandomAblationMatchedTo = Path.GetFullPath(matchedTo) };
        if (s.Latents is not null && s.FromResults is not null)
            throw new EsrInputException("--latents and --from-results exclude each other: the source's trials name their latents");
        if (o.OptionalText("--relevance") is { } rule)
            s = s with { RelevanceFilter = rule switch { "all_zero" => RelevanceRule.AllZero, "top100" => RelevanceRule.Top100, _ => RelevanceRule.None } };
        if (s.RandomAblationMatchedTo is not null && s.RandomAblationSets == 0)
            throw new EsrInputException($"--match-random-sets matches experiment 10's random sets; experiment {s.Experiment} draws none");
        return s;
    }

    /// <summary>
    /// Exp 10's random sets matched to the detectors' firing rates over <paramref name="matchedTo"/>'s responses, read
    /// unsteered at the steering block, where the sets are zeroed (the paper's 70B reads its detectors at block 50 but
    /// ablates them at 33). A run resumed in <paramref name="store"/> keeps the sets its manifest recorded
    /// for the same source rather than reading every response again (hours at the paper's scale). A fresh run writes
    /// the rates it matched beside its trials (<see cref="MatchedRandomSets.ReportFile"/>); a folder holding another
    /// run is left as it is, for the launcher to refuse.
    /// </summary>
    private static ExperimentSettings WithMatchedSets(ExperimentSettings settings, RunStore store, LoadedModel loaded, string matchedTo, CancellationToken cancellationToken)
    {
        var stored = store.ReadManifest()?.Config.Deserialize<ExperimentSettings>(TrialJson.Options);
        if (stored is { RandomAblationLatents: { } drawn } && stored.RandomAblationMatchedTo == matchedTo)
            return settings with { RandomAblationLatents = drawn, RandomAblationSetsFile = null };
        if (Directory.Exists(matchedTo) ? !RunStore.Exists(matchedTo) : !File.Exists(matchedTo))
            throw new EsrInputException($"--match-random-sets {matchedTo}: no run folder (with {RunStore.TrialsFile}) or result file there");
        var readout = loaded.Readout(settings.SteeringHook, settings.SteeringHook);
        try
        {
            var rates = LatentFiringRates.Measure(readout, SourceResults.Load(matchedTo), cancellationToken);
            var sets = MatchedRandomSets.Draw(rates, settings.AblateLatents, settings.RandomAblationSets, settings.RandomAblationBaseSeed);
            if (stored is null)
                JsonResultFile.Write(Path.Combine(store.Directory, MatchedRandomSets.ReportFile), MatchedRandomSets.Report(matchedTo, rates, settings.AblateLatents, sets));
            return settings with { RandomAblationLatents = sets, RandomAblationSetsFile = null };
        }
        catch (ArgumentException e)
        {
            throw new EsrInputException($"--match-random-sets {matchedTo}: {e.Message}");
        }
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
    private static ConcretenessGrader? CreateGrader(OptionValues o, bool hasLabels)
    {
        var choice = o.OptionalText("--grader");
        if (!hasLabels)
        {
            return choice is null or JudgeFactory.NoGrader
                ? null
                : throw new EsrInputException($"--grader {choice} needs --labels: the grader rates label texts");
        }
        return JudgeFactory.CreateGrader(choice ?? ConcretenessGrader.PaperModel, o.OptionalText("--grader-model") ?? "grader",
            o.OptionalText("--api-key-env"), o.OptionalText("--grader-cache") ?? JudgeFactory.DefaultGraderCache);
    }
}
