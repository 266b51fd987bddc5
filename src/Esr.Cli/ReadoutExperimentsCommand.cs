using System.CommandLine;
using System.Globalization;
using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.CrossJudge;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Experiments.SequentialActivations;
using Esr.Kernel.Generation;
using Esr.Kernel.Judging;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;
using Microsoft.Data.Analysis;

namespace Esr.Cli;

/// <summary>
/// The readout and regrading experiments as commands: <c>esr experiment 3a</c> (Exp 3 part A),
/// <c>esr experiment 6</c> (Exp 6), <c>esr experiment 7</c> (Exp 7) and <c>esr experiment 9</c> (Exp 9). Each is
/// a thin shell over the Kernel driver of the same experiment; trials are read as `esr figure` reads them, as
/// <see cref="TrialRecord"/>s of run folders and paper result files.
/// </summary>
internal static class ReadoutExperimentsCommand
{
    /// <summary><c>esr experiment 3a</c>.</summary>
    public static Command OtdDiscovery(TextWriter output)
    {
        var model = CliOptions.ModelDirectory();
        var sae = SaeOption();
        var layer = LayerOption("--layer", "Block whose output the SAE reads (the paper's 70B: 50)");
        var prompts = new Option<string>("--prompts") { Description = "The discovery prompts, one per line (the paper's 20: otd_discovery_prompts.txt)", HelpName = "file", Required = true };
        var outFile = new Option<string>("--out") { Description = "The detector file to write (off_topic_detectors_<model>.json)", HelpName = "file.json", Required = true };
        var seed = CliOptions.Integer("--seed", 0, "Seeds the response seeds, the derangement and the pair shuffle");
        var maxTokens = CliOptions.Integer("--max-tokens", 512, "New tokens per unsteered response", minimum: 1);
        var temperature = CliOptions.Number("--temperature", 0.6, "Sampling temperature of the responses", v => v >= 0, ">= 0");
        var penalty = CliOptions.OptionalNumber("--repetition-penalty",
            "Repetition penalty of the responses (default: the model's by its path, as the original's generation path: 70b 1.2, 8b 1.15, else 1.1; "
            + "ESR_SPEC §1.5); the readout pass uses none", v => v > 0 && double.IsFinite(v), "a finite number > 0");
        var batch = CliOptions.Integer("--batch-size", 8, "Responses generated together", minimum: 1);
        var epsilon = CliOptions.Number("--epsilon", 1e-8, "The zero threshold of the detector rule", v => v > 0, "> 0");
        var share = CliOptions.Number("--min-shuffled-fraction", 0.8, "Share of shuffled samples a detector must fire on", v => v is >= 0 and <= 1, "in [0, 1]");
        var noHeader = new Option<bool>("--no-paper-extra-header")
        {
            Description = "Llama: do not append the paper's extra assistant header to the response prompts (ESR_SPEC §1.5 quirk 4; on by default, as the original's generation path)",
        };
        var finalNorm = PaperFinalNorm.Option();
        var dtype = CliOptions.Dtype();
        var command = new Command("3a",
            "Experiment 3 part A: find off-topic detector latents by contrasting prompts paired with their own and with other prompts' responses (ESR_SPEC §7.1)")
        {
            model, sae, layer, prompts, outFile, seed, maxTokens, temperature, penalty, batch, epsilon, share, noHeader, finalNorm, dtype,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var promptList = PromptsFile.Read(parse.GetRequiredValue(prompts), "--prompts", minimum: 2);
            var directory = parse.GetRequiredValue(model);
            // Step 1's responses take the original's normal generation path; the readouts template without a generation prompt.
            using var loaded = LoadReadout(directory, parse.GetRequiredValue(sae), Required(parse.GetValue(layer), "--layer"), null, !parse.GetValue(noHeader), parse.GetRequiredValue(dtype));
            PaperFinalNorm.Apply(loaded.Readout.Model, parse.GetValue(finalNorm), "--paper-final-norm");
            var responsePenalty = parse.GetValue(penalty) ?? ExperimentSettings.RepetitionPenaltyFor(directory);
            var options = new DetectorDiscoveryOptions
            {
                Seed = parse.GetValue(seed),
                Sampling = new SamplingOptions(parse.GetValue(temperature), 1.0, responsePenalty, parse.GetValue(maxTokens)),
                BatchSize = parse.GetValue(batch),
                Rule = new DetectorRule(parse.GetValue(epsilon), parse.GetValue(share)),
                ModelName = Path.GetFileName(Path.GetFullPath(parse.GetRequiredValue(model)).TrimEnd(Path.DirectorySeparatorChar)),
                PromptsFile = parse.GetRequiredValue(prompts),
            };
            var result = DetectorDiscovery.Run(loaded.Readout, promptList, options, cancellationToken);
            JsonResultFile.Write(parse.GetRequiredValue(outFile), result.ToJson());
            output.WriteLine($"{result.Detectors.Count} off-topic detectors over {promptList.Count} prompts: "
                + $"[{string.Join(", ", result.Detectors.Select(d => d.Latent))}]; wrote {parse.GetRequiredValue(outFile)}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary><c>esr experiment 6</c>.</summary>
    public static Command SequentialActivations(TextWriter output)
    {
        var model = CliOptions.ModelDirectory();
        var sae = SaeOption();
        var layer = LayerOption("--layer", "Block whose output the SAE reads (the paper's 70B: 50)");
        var steerLayer = LayerOption("--steer-layer", "Block steered with the example's latent (the paper's 70B: 33; default --layer)");
        var example = new Option<string>("--example") { Description = "The example (figure6_example.json)", HelpName = "file.json", Required = true };
        var detectors = DetectorsOption();
        var interest = new Option<string?>("--interest-latents")
        {
            Description = "Latents plotted on their own and left out of the detector sum, comma-separated (default: 33044)",
            HelpName = "i,j,...",
        };
        var unsteered = new Option<bool>("--unsteered") { Description = "Read without steering (the paper reads while steering)" };
        var outFile = new Option<string>("--out") { Description = "The JSON to write (experiment_6_sequential_activations.json)", HelpName = "file.json", Required = true };
        var table = new Option<string?>("--table") { Description = "Also write Figure 6's per-token table as CSV", HelpName = "file.csv" };
        var dtype = CliOptions.Dtype();
        var command = new Command("6",
            "Experiment 6: per-token activations of the distractor, the off-topic detectors and latent 33044 over one steered example (ESR_SPEC §6)")
        {
            model, sae, layer, steerLayer, example, detectors, interest, unsteered, outFile, table, dtype,
        };
        command.SetAction(parse =>
        {
            var read = Required(parse.GetValue(layer), "--layer");
            var steer = parse.GetValue(steerLayer) is var s and >= 0 ? s : read;
            var loadedExample = SequentialExample.Load(parse.GetRequiredValue(example));
            using var loaded = LoadReadout(parse.GetRequiredValue(model), parse.GetRequiredValue(sae), read, steer, false, parse.GetRequiredValue(dtype));
            var options = new SequentialActivationsOptions { OffTopicDetectors = Detectors(parse.GetValue(detectors)), Steered = !parse.GetValue(unsteered) };
            if (parse.GetValue(interest) is { } list)
            {
                var known = options.LatentsOfInterest;
                options = options with
                {
                    LatentsOfInterest = SaeSteeringOptions.LatentList("--interest-latents", list).Distinct()
                        .ToDictionary(l => l, l => known.TryGetValue(l, out var label) ? label : ""),
                };
            }
            RequireLatents(loaded.Readout.Sae, [loadedExample.Latent, .. options.OffTopicDetectors, .. options.LatentsOfInterest.Keys]);
            var result = SequentialActivationsExperiment.Run(loaded.Readout, loadedExample, options);
            JsonResultFile.Write(parse.GetRequiredValue(outFile), result.ToJson());
            if (parse.GetValue(table) is { } csv) SaveCsv(result.ToDataFrame(), csv);
            output.WriteLine($"{result.TokenStrings.Count} tokens, {result.SummedDetectors.Count} detectors in the sum; wrote {parse.GetRequiredValue(outFile)}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>esr experiment 7</c>.</summary>
    public static Command Regrade(TextWriter output)
    {
        var trials = TrialsOption();
        var judges = new Option<string[]>("--judge")
        {
            Description = $"A cross-judge alias or model id; repeat for several (default: the paper's {string.Join(", ", CrossJudgeRegrader.PaperJudgeAliases)})",
            DefaultValueFactory = _ => [.. CrossJudgeRegrader.PaperJudgeAliases],
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var outDir = new Option<string>("--out") { Description = "The cross_judge_results folder", HelpName = "dir", Required = true };
        var samples = CliOptions.Integer("--samples", 1000, "Sample size of the random top-up (every multi-attempt trial is kept)", minimum: 0);
        var perModel = CliOptions.Integer("--per-model", 100, "Each target model is topped up to this many trials first", minimum: 0);
        var seed = CliOptions.Integer("--seed", 42, "Seed of the random top-ups");
        var concurrency = CliOptions.Integer("--concurrency", 100, "Judge calls in flight per judge", minimum: 1);
        var originalName = new Option<string>("--original-judge-name")
        {
            Description = "Name of the original grades in the tables (the paper's plot calls them Sonnet-4.5, a quirk)",
            DefaultValueFactory = _ => "Sonnet-4.5",
        };
        var baseUrl = new Option<string?>("--base-url") { Description = "An OpenAI-compatible endpoint for every judge", HelpName = "url" };
        var keyVariable = new Option<string?>("--api-key-env") { Description = "With --base-url: the environment variable holding the key", HelpName = "variable" };
        var promptFile = CliOptions.JudgePromptFile();
        var command = new Command("7",
            "Experiment 7: sample trials (every multi-attempt one, per-model and overall top-ups), regrade them with other judges, and compare (ESR_SPEC §6)")
        {
            trials, judges, outDir, samples, perModel, seed, concurrency, originalName, baseUrl, keyVariable, promptFile,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var judgePrompt = JudgeFactory.LoadPrompt(JudgeFactory.PromptFileOption, parse.GetValue(promptFile));
            var records = await ReadTrialsAsync(parse.GetRequiredValue(trials), cancellationToken);
            var sample = CrossJudgeSampler.Select(records, new CrossJudgeSamplingOptions
            {
                Seed = parse.GetValue(seed), SampleCount = parse.GetValue(samples), MinimumPerModel = parse.GetValue(perModel),
            });
            var created = parse.GetRequiredValue(judges)
                .Select(alias => new CrossJudgeEntry(alias, JudgeFactory.Create(
                    alias, parse.GetValue(baseUrl), parse.GetValue(keyVariable), judgePrompt, JudgeClientOptions.OpenAiCompatible.MaxOutputTokens))).ToList();
            try
            {
                var folder = parse.GetRequiredValue(outDir);
                var sets = await CrossJudgeRegrader.RegradeAsync(sample, created, folder, DateTimeOffset.UtcNow, parse.GetValue(concurrency), cancellationToken);
                var analysis = new CrossJudgeAnalysisOptions { OriginalJudgeName = parse.GetRequiredValue(originalName) };
                var rows = CrossJudgeAnalysis.Rows(sample, sets, analysis);
                var agreement = CrossJudgeAnalysis.Agreement(rows, analysis);
                SaveCsv(CrossJudgeAnalysis.RowsFrame(rows), Path.Combine(folder, CrossJudgeAnalysis.RowsCsvFile));
                SaveCsv(CrossJudgeAnalysis.AgreementFrame(agreement), Path.Combine(folder, "experiment_7_judge_agreement_metrics.csv"));
                SaveCsv(Kernel.Analysis.Figures.CrossJudgeFigure.Metrics(CrossJudgeAnalysis.RowsFrame(rows)), Path.Combine(folder, "experiment_7_cross_judge_by_model.csv"));
                output.WriteLine($"regraded {sample.Trials.Count} trials ({sample.SelfCorrectionCount} multi-attempt) with {sets.Count} judges "
                    + $"({string.Join(", ", sets.Select(s => $"{s.Alias}: {s.Errors} errors"))}); wrote {folder}");
            }
            finally
            {
                foreach (var entry in created) (entry.Judge as IDisposable)?.Dispose();
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>esr experiment 9</c>.</summary>
    public static Command Episodes(TextWriter output)
    {
        var trials = TrialsOption();
        var model = CliOptions.ModelDirectory();
        var sae = SaeOption();
        var layer = LayerOption("--layer", "Block whose output the SAE reads (the paper's 70B: 50)");
        var annotator = new Option<string>("--annotator")
        {
            Description = "The boundary annotator: an alias or model id (the paper: sonnet-4.5)",
            DefaultValueFactory = _ => "sonnet-4.5",
        };
        var baseUrl = new Option<string?>("--base-url") { Description = "An OpenAI-compatible endpoint for the annotator", HelpName = "url" };
        var keyVariable = new Option<string?>("--api-key-env") { Description = "With --base-url: the environment variable holding the key", HelpName = "variable" };
        var outDir = new Option<string>("--out") { Description = "The activation_stats folder", HelpName = "dir", Required = true };
        var labels = new Option<string?>("--labels") { Description = "A label CSV for the backtracking keyword search", HelpName = "file.csv" };
        var detectors = DetectorsOption();
        var backtracking = new Option<string?>("--backtracking-latents")
        {
            Description = "The backtracking latents, comma-separated (default: the paper's 16)",
            HelpName = "i,j,...",
        };
        var aligned = new Option<bool>("--aligned-boundaries") { Description = "Map boundaries to the tokens that hold them (the paper's rule lands ≈17 characters early)" };
        var excludeAblation = new Option<bool>("--exclude-ablation") { Description = "Leave out trials of ablation runs (the paper includes them)" };
        var baselineLimit = CliOptions.Integer("--baseline-limit", 50, "Baseline episodes drawn", minimum: 0);
        var dtype = CliOptions.Dtype();
        var command = new Command("9",
            "Experiment 9: self-correction episodes, boundary annotation, unsteered activations and region statistics (ESR_SPEC §7.2)")
        {
            trials, model, sae, layer, annotator, baseUrl, keyVariable, outDir, labels, detectors, backtracking, aligned, excludeAblation, baselineLimit, dtype,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var records = await ReadTrialsAsync(parse.GetRequiredValue(trials), cancellationToken);
            var labelTable = parse.GetValue(labels) is { } csv ? LatentLabels.Load(csv) : null;
            using var loaded = LoadReadout(parse.GetRequiredValue(model), parse.GetRequiredValue(sae), Required(parse.GetValue(layer), "--layer"), null, false, parse.GetRequiredValue(dtype));
            var options = new EpisodePipelineOptions
            {
                OffTopicDetectors = Detectors(parse.GetValue(detectors)),
                BacktrackingLatents = parse.GetValue(backtracking) is { } list
                    ? SaeSteeringOptions.LatentList("--backtracking-latents", list) : BacktrackingKeywords.PaperLatents,
                Mapping = parse.GetValue(aligned) ? BoundaryMapping.Aligned : BoundaryMapping.Paper,
                IncludeAblationTrials = !parse.GetValue(excludeAblation),
                BaselineLimit = parse.GetValue(baselineLimit),
            };
            RequireLatents(loaded.Readout.Sae, [.. options.OffTopicDetectors, .. options.BacktrackingLatents]);
            var (chat, modelId, _) = JudgeFactory.CreateChatClient("--annotator", parse.GetRequiredValue(annotator), parse.GetValue(baseUrl), parse.GetValue(keyVariable));
            using var owned = chat;
            var folder = parse.GetRequiredValue(outDir);
            var labelled = labelTable is null ? null : Enumerable.Range(0, loaded.Readout.Sae.LatentCount).Where(labelTable.HasLabel).Select(l => (l, labelTable[l]));
            var result = await EpisodePipeline.RunAsync(
                loaded.Readout, records, new BoundaryAnnotator(chat, modelId), folder, labelled, options, cancellationToken);
            SaveCsv(result.Overlay, Path.Combine(folder, "experiment_9_aligned_overlay.csv"));
            SaveCsv(result.BaselineComparison(), Path.Combine(folder, EpisodePipelineResult.BaselineComparisonCsvFile));
            SaveCsv(result.SummaryTable(), Path.Combine(folder, "summary_table.csv"));
            SaveCsv(RegionStatistics.Table(result.OffTopicDetectors.Latents, labelTable is null ? null : l => labelTable[l]), Path.Combine(folder, "otd_table.csv"));
            SaveCsv(RegionStatistics.Table(result.Backtracking.Latents, labelTable is null ? null : l => labelTable[l]), Path.Combine(folder, "backtracking_table.csv"));
            output.WriteLine($"{result.Episodes.Count} episodes, {result.Activations.Count} with valid boundaries, "
                + $"{result.Baseline.OffTopicDetectorMeans.Count} baseline; OTD off-topic mean "
                + $"{result.OffTopicDetectors.Group.OffTopicMean.ToString("G4", CultureInfo.InvariantCulture)}, on-topic "
                + $"{result.OffTopicDetectors.Group.OnTopicMean.ToString("G4", CultureInfo.InvariantCulture)}; wrote {folder}");
            return ExitCodes.Success;
        });
        return command;
    }

    // Trials of run folders and paper result files, read as `esr figure` reads them.
    private static Task<IReadOnlyList<TrialRecord>> ReadTrialsAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) || Directory.Exists(path)
            ? Task.FromResult(FigureTrialReader.Read([path], cancellationToken))
            : throw new EsrInputException($"--trials '{path}': no such file or folder");

    private static Option<string> SaeOption() =>
        new("--sae") { Description = "SAE: a SAELens folder, a GemmaScope params.npz or a Goodfire .pth/.pt", HelpName = "path", Required = true };

    private static Option<int> LayerOption(string name, string description) => CliOptions.Integer(name, -1, description, minimum: 0);

    private static Option<string?> DetectorsOption() => new("--detectors")
    {
        Description = "A detector file with an off_topic_detectors list (default: the paper's 26, off_topic_detectors_paper26.json)",
        HelpName = "file.json",
    };

    private static Option<string> TrialsOption() => new("--trials")
    {
        Description = "The trials: a run folder, a paper result .json, or a folder of them (as esr figure reads them)",
        HelpName = "run dir|paper.json|dir",
        Required = true,
    };

    private static int Required(int layer, string option) =>
        layer >= 0 ? layer : throw new EsrInputException($"{option} <L> is required: the block whose output the SAE reads");

    private static IReadOnlyList<int> Detectors(string? path) => path is null ? OffTopicDetectorSets.Paper26 : OffTopicDetectorSets.Read(path);

    private static void RequireLatents(SparseAutoencoder sae, IEnumerable<int> latents)
    {
        var outside = latents.Where(l => l < 0 || l >= sae.LatentCount).Distinct().ToList();
        if (outside.Count > 0)
            throw new EsrInputException($"latents {string.Join(", ", outside.Take(5))}{(outside.Count > 5 ? ", ..." : "")} are outside the SAE (0 to {sae.LatentCount - 1}); pass --detectors for this SAE");
    }

    // DataFrame's writer, through a temporary file so a reader never sees half a table.
    private static void SaveCsv(DataFrame frame, string path) =>
        Kernel.AtomicFile.Write(path, temporary => DataFrame.SaveCsv(frame, temporary, cultureInfo: CultureInfo.InvariantCulture));

    private static LoadedReadout LoadReadout(string directory, string saePath, int readLayer, int? steerLayer, bool paperExtraHeader, string dtype)
    {
        ModelLoading.RequireDirectory(directory);
        var tokenizer = TextTokenizer.Load(directory);
        CausalLanguageModel? model = null;
        try
        {
            var template = ChatTemplate.ForModelDirectory(directory, ChatTemplateOptions.Default with { AppendPapersExtraAssistantHeader = paperExtraHeader });
            var stops = StopTokens.FromModelDirectory(directory, tokenizer);
            model = ModelLoading.Load(directory, CliOptions.ScalarTypeOf(dtype));
            var steer = steerLayer ?? readLayer;
            if (steer >= model.Config.LayerCount) throw new EsrInputException($"--steer-layer {steer}: the model has blocks 0 to {model.Config.LayerCount - 1}");
            var sae = SaeSteering.LoadFor(saePath, readLayer, model);
            return new LoadedReadout(new ReadoutModel(model, tokenizer, template, stops, sae, HookPoint.ResidPost(readLayer), HookPoint.ResidPost(steer)));
        }
        catch
        {
            model?.Dispose();
            tokenizer.Dispose();
            throw;
        }
    }

    private sealed record LoadedReadout(ReadoutModel Readout) : IDisposable
    {
        public void Dispose()
        {
            Readout.Sae.Dispose();
            Readout.Model.Dispose();
            Readout.Tokenizer.Dispose();
        }
    }
}
