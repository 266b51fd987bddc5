using System.CommandLine;
using System.Globalization;
using Esr.Kernel.Analysis;
using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.CrossJudge;
using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Experiments.SequentialActivations;
using Plotly.NET;

namespace Esr.Cli;

/// <summary>
/// <c>esr figure</c>: draws one of the paper's figures (ESR_SPEC §6) from result files, to a self-contained HTML
/// page or a PNG (rendered by headless Chromium): the trial-based ones from runs and paper result files, Figure 6
/// from experiment 6's readout JSON, Figures A.4-A.6 and A.16 from experiments 7's and 9's outputs. Figure A.15
/// (per-token episode overlay) is drawn from code.
/// </summary>
internal static class FigureCommand
{
    /// <summary>The figure ids and what they draw.</summary>
    public static IReadOnlyDictionary<string, string> Figures { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["2"] = "ESR across models (Exp 1)",
        ["2-degraded"] = "Figure 2's appendix variant: mean improvement over all trials (A.1.4)",
        ["3"] = "boost-level sweep (Exp 2)",
        ["4"] = "meta-prompting: baseline vs self_monitor per model (Exp 5)",
        ["4-variants"] = "every meta-prompt variant of one --model (Exp 5 appendix)",
        ["5"] = "off-topic detector ablation (Exp 3)",
        ["6"] = "per-token detector and backtracking activations over one example (Exp 6; --results: its experiment_6_sequential_activations.json)",
        ["7"] = "masked self-correction ratio sweep (Exp 4)",
        ["combined"] = "prompting vs fine-tuning ESR rate (degraded outputs excluded)",
        ["A2"] = "no-steering baseline, Figure-2 layout with mean improvement (Exp 8)",
        ["A3"] = "no-steering first-attempt scores (Exp 8)",
        ["A4"] = "cross-judge mean score improvement per judge and model (Exp 7; --results: its output folder)",
        ["A5"] = "cross-judge ESR rate per judge and model (Exp 7; --results: its output folder)",
        ["A5-multi"] = "cross-judge multi-attempt rate per judge and model (Exp 7; --results: its output folder)",
        ["A6"] = "attempt counts between every pair of judges (Exp 7; --results: its output folder)",
        ["A14"] = "random-latent ablation control, per-file aggregation (Exp 10)",
        ["A16"] = "off-topic detector activation: self-correction regions vs baseline (Exp 9; --results: its output folder)",
    };

    public static Command Create(TextWriter output)
    {
        var figure = new Argument<string>("figure")
        {
            Description = "Which figure: " + string.Join(", ", Figures.Select(f => $"{f.Key} ({f.Value})")),
        };
        figure.AcceptOnlyFromAmong([.. Figures.Keys]);
        var results = new Option<string[]>("--results")
        {
            Description = "Run folders (or their trials.jsonl), paper result .json files, or folders searched for both; figure 6: experiment 6's JSON",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            HelpName = "path",
        };
        var outPath = new Option<string>("--out") { Description = "The figure file: .html (self-contained) or .png", Required = true, HelpName = "file" };
        var excludeDegraded = new Option<bool>("--exclude-degraded") { Description = "Drop degraded (repetitive) outputs; the paper keeps them" };
        var boostMean = new Option<double?>("--boost-mean") { Description = "Figure 3: μ to put boosts in SDs from (default: the threshold_cache_stats of the sweep's runs and files, averaged per model)" };
        var boostStd = new Option<double?>("--boost-std") { Description = "Figure 3: σ to put boosts in SDs of (default: the threshold_cache_stats of the sweep's runs and files, averaged per model)" };
        var detectorCounts = new Option<string?>("--detector-counts")
        {
            Description = "Figures 5 and A14: count only ablation trials with these numbers of ablated latents, comma-separated, or any (default: 22,25,26, the paper's detector sets)",
            HelpName = "n,n|any",
        };
        var model = new Option<string[]>("--model")
        {
            Description = "Keep only these models' trials (figure 4-variants: exactly one, the model whose variants to draw)",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "name",
        };
        var scale = new Option<double>("--scale") { Description = "PNG: pixels per layout unit", DefaultValueFactory = _ => 2 };
        var command = new Command("figure", "Draw a paper figure from trial results or experiment 6's readout (ESR_SPEC §6)")
        {
            figure, results, outPath, excludeDegraded, boostMean, boostStd, detectorCounts, model, scale,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = parse.GetRequiredValue(outPath);
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is not (".html" or ".png")) throw new EsrInputException($"--out must end in .html or .png: {path}");
            string id = parse.GetRequiredValue(figure).ToUpperInvariant();
            GenericChart chart;
            if (id == "6") chart = Figure6(parse.GetRequiredValue(results));
            else if (id.StartsWith("A4", StringComparison.Ordinal) || id.StartsWith("A5", StringComparison.Ordinal) || id == "A6")
                chart = CrossJudge(id, parse.GetRequiredValue(results));
            else if (id == "A16") chart = Figure16(parse.GetRequiredValue(results));
            else
            {
                var sources = FigureTrialReader.ReadSources(parse.GetRequiredValue(results), cancellationToken);
                var trials = sources.SelectMany(s => s.Trials).ToList();
                if (trials.Count == 0) throw new EsrInputException("--results holds no trial records");
                var options = new MetricOptions(ExcludeDegraded: parse.GetValue(excludeDegraded));
                var models = parse.GetValue(model) ?? [];
                var selected = Select(id, trials, models);
                if (selected.Count == 0) throw new EsrInputException($"--results holds no trials for figure {parse.GetRequiredValue(figure)}{(models.Length > 0 ? " and --model " + string.Join(", ", models) : "")}");
                if (id == "4-VARIANTS" && models.Length != 1) throw new EsrInputException("figure 4-variants needs exactly one --model");
                chart = id == "3"
                    ? BoostSweepChart.Create(BoostSweepFigure.Build(selected, Normalizations(sources, selected, parse.GetValue(boostMean), parse.GetValue(boostStd)), options))
                    : Draw(id, selected, options, models.FirstOrDefault() ?? "", DetectorCounts(parse.GetValue(detectorCounts)));
            }
            if (extension == ".html") await FigureExport.SaveHtmlAsync(chart, path, cancellationToken);
            else
            {
                try
                {
                    await FigureExport.SavePngAsync(chart, path, parse.GetValue(scale), cancellationToken);
                }
                catch (InvalidOperationException e)
                {
                    throw new EsrInputException(e.Message);
                }
            }
            output.WriteLine(path);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The trials a figure pools (ESR_SPEC §2.4): the --model filter, then for the Exp-1-style figures only the
    /// steered trials (2), the boost sweep's (3) or the no-steering ones (A2, A3), and no fine-tuned (masked-ratio) model in 2, A2, A3
    /// and 4. The other figures pick their conditions themselves.
    /// </summary>
    private static List<TrialRecord> Select(string figure, IReadOnlyList<TrialRecord> trials, IReadOnlyCollection<string> models)
    {
        var kept = trials.Where(t => models.Count == 0 || models.Contains(t.Model));
        bool Tuned(TrialRecord t) => MaskedRatioFigure.RatioOf(t.Model) is not null;
        return (figure switch
        {
            "2" or "2-DEGRADED" => kept.Where(t => t.Condition == "steered" && !Tuned(t)),
            "3" => kept.Where(t => t.Condition == "boost_sweep"),
            "A2" or "A3" => kept.Where(t => t.Condition == "no_steering" && !Tuned(t)),
            "4" or "4-VARIANTS" => kept.Where(t => !Tuned(t)),
            _ => kept,
        }).ToList();
    }

    private static GenericChart Draw(string figure, IReadOnlyList<TrialRecord> trials, MetricOptions options, string model, int[]? detectorCounts) =>
        figure switch
        {
            "2" => ScoreDeltaChart.Create(ScoreDeltaFigure.Build(trials, ScoreDeltaPanel.EsrRate, options)),
            "2-DEGRADED" => ScoreDeltaChart.Create(ScoreDeltaFigure.Build(trials, ScoreDeltaPanel.MeanImprovementAllTrials, options), "ESR across models (mean improvement over all trials)"),
            "4" => MetaPromptChart.Figure4(MetaPromptFigure.Build(trials, options: options)),
            "4-VARIANTS" => MetaPromptChart.Variants(MetaPromptFigure.Build(trials, options: options), model),
            "5" => AblationChart.Create(AblationFigure.Build(trials, detectorCounts: detectorCounts, options: options)),
            "7" => MaskedRatioChart.Create(MaskedRatioFigure.Build(trials, options: options)),
            "COMBINED" => PromptingVsFinetuningChart.Create(PromptingVsFinetuningFigure.Build(trials)),
            "A2" => ScoreDeltaChart.Create(ScoreDeltaFigure.Build(trials, ScoreDeltaPanel.MeanImprovementAllTrials, options), "No-steering baseline"),
            "A3" => FirstAttemptChart.Create(FirstAttemptFigure.Build(trials, options)),
            "A14" => FileAggregateChart.Create(FileAggregateFigure.Build(trials, options: options, detectorCounts: detectorCounts)),
            _ => throw new EsrInputException($"unknown figure {figure}"),
        };

    // --detector-counts: none keeps the paper's detector-set sizes; "any" (no count required) counts every ablation.
    private static int[]? DetectorCounts(string? text) =>
        text is null ? null
        : text.Trim().Equals("any", StringComparison.OrdinalIgnoreCase) ? []
        : text.Split(',').Select(part => int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count
            : throw new EsrInputException($"--detector-counts '{text}': expected comma-separated numbers of ablated latents (e.g. 22,25,26) or any")).ToArray();

    // Figure 6 plots one readout, experiment 6's JSON, read by the Kernel's reader of that file.
    private static GenericChart Figure6(IReadOnlyList<string> paths)
    {
        if (paths.Count != 1) throw new EsrInputException($"figure 6 takes one --results file, experiment 6's JSON; got {paths.Count}");
        if (!File.Exists(paths[0])) throw new EsrInputException($"--results '{paths[0]}': no such file (figure 6 reads experiment 6's experiment_6_sequential_activations.json)");
        var readout = SequentialActivationsFile.Load(paths[0]);
        return SequentialActivationChart.Create(SequentialActivationFigure.Build(readout), readout.Regions);
    }

    // Figures A.4-A.6 plot experiment 7's per-(judge, trial) table, read from its output folder (or the CSV itself).
    private static GenericChart CrossJudge(string id, IReadOnlyList<string> paths)
    {
        var grades = CrossJudgeAnalysis.LoadRowsFrame(OutputFile(id, paths, 7, CrossJudgeAnalysis.RowsCsvFile));
        return id switch
        {
            "A4" => CrossJudgeChart.Metric(CrossJudgeFigure.Metrics(grades), "msi"),
            "A5" => CrossJudgeChart.Metric(CrossJudgeFigure.Metrics(grades), "esr_rate"),
            "A5-MULTI" => CrossJudgeChart.Metric(CrossJudgeFigure.Metrics(grades), "multi_attempt_pct"),
            _ => CrossJudgeChart.AttemptGrid(CrossJudgeFigure.AttemptPairs(grades)),
        };
    }

    // Figure A.16 plots the three bars experiment 9 saves in its output folder (or the CSV itself).
    private static GenericChart Figure16(IReadOnlyList<string> paths) =>
        RegionComparisonChart.Create(EpisodePipelineResult.ReadBaselineComparison(OutputFile("A16", paths, 9, EpisodePipelineResult.BaselineComparisonCsvFile)));

    // The one --results an experiment's output figure takes: the experiment's output folder, or the file itself.
    private static string OutputFile(string id, IReadOnlyList<string> paths, int experiment, string fileName)
    {
        if (paths.Count != 1) throw new EsrInputException($"figure {id} takes one --results folder, experiment {experiment}'s output; got {paths.Count}");
        var path = Directory.Exists(paths[0]) ? Path.Combine(paths[0], fileName) : paths[0];
        return File.Exists(path) ? path : throw new EsrInputException($"--results '{paths[0]}': no {fileName} (figure {id} reads experiment {experiment}'s output)");
    }

    // Figure 3 puts boosts in standard deviations of the threshold cache that built the levels: per model the average
    // of its sources' statistics (the paper's μ̄, σ̄), unless --boost-mean and --boost-std override them.
    private static Dictionary<string, BoostNormalization> Normalizations(IReadOnlyList<LoadedSource> sources, IReadOnlyList<TrialRecord> sweep, double? mean, double? std)
    {
        var models = sweep.Select(t => t.Model).Distinct(StringComparer.Ordinal).ToList();
        if (mean is { } m && std is { } s)
        {
            if (!(s > 0)) throw new EsrInputException($"--boost-std must be positive, got {s}");
            return models.ToDictionary(model => model, _ => new BoostNormalization(m, s));
        }
        if (mean is not null || std is not null) throw new EsrInputException("give both --boost-mean and --boost-std, or neither");
        return models.ToDictionary(model => model, model =>
        {
            var stats = BoostNormalization.Average(sources.Where(source => source.Trials.Any(t => t.Condition == "boost_sweep" && t.Model == model))
                .Select(source => source.ThresholdCacheStats is { } cache ? new BoostNormalization(cache.Mean, cache.Std)
                    : throw new EsrInputException($"figure 3 needs the threshold-cache statistics of the sweep: {source.Path} has no threshold_cache_stats; give --boost-mean and --boost-std")));
            return stats.StandardDeviation > 0 ? stats
                : throw new EsrInputException($"figure 3: the threshold-cache SD of {model}'s sweep is {stats.StandardDeviation}; give --boost-mean and --boost-std");
        });
    }
}
