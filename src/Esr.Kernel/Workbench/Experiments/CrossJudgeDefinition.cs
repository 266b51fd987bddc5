using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.CrossJudge;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Formats;
using Esr.Kernel.Judging;
using Esr.Kernel.Options;

namespace Esr.Kernel;

/// <summary>
/// Experiment 7 (ESR_SPEC §6): sample trials (every multi-attempt one, then per-model and overall top-ups), regrade them
/// with other judges, and write the agreement tables (Figures A.4-A.6's input).
/// </summary>
public sealed class CrossJudgeDefinition : ExperimentDefinition
{
    /// <summary>The agreement table's file name in the output folder.</summary>
    public const string AgreementCsvFile = "experiment_7_judge_agreement_metrics.csv";

    /// <summary>The per-judge, per-model metrics table's file name in the output folder.</summary>
    public const string ByModelCsvFile = "experiment_7_cross_judge_by_model.csv";

    /// <inheritdoc />
    public override string Id => "7";

    /// <inheritdoc />
    public override string Title => "Cross-judge regrading";

    /// <inheritdoc />
    public override string Description =>
        "Experiment 7: sample trials (every multi-attempt one, per-model and overall top-ups), regrade them with other judges, and compare (ESR_SPEC §6)";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["A4", "A5", "A5-multi", "A6"];

    /// <inheritdoc />
    public override IReadOnlyList<OptionSpec> Options { get; } =
    [
        ReadoutRuns.Trials,
        OptionSpec.Text("--judge", $"A cross-judge alias or model id; repeat for several (default: the paper's {string.Join(", ", CrossJudgeRegrader.PaperJudgeAliases)})", "alias")
            with { Repeatable = true, Default = CrossJudgeRegrader.PaperJudgeAliases.ToArray() },
        OptionSpec.Path("--out", "The cross_judge_results folder", "dir", required: true),
        OptionSpec.Integer("--samples", "Sample size of the random top-up (every multi-attempt trial is kept)", defaultValue: 1000, minimum: 0),
        OptionSpec.Integer("--per-model", "Each target model is topped up to this many trials first", defaultValue: 100, minimum: 0),
        OptionSpec.Integer("--seed", "Seed of the random top-ups", defaultValue: 42),
        OptionSpec.Integer("--concurrency", "Judge calls in flight per judge", defaultValue: 100, minimum: 1),
        OptionSpec.Text("--original-judge-name", "Name of the original grades in the tables (the paper's plot calls them Sonnet-4.5, a quirk)", "name", defaultValue: "Sonnet-4.5"),
        OptionSpec.Text("--base-url", "An OpenAI-compatible endpoint for every judge", "url"),
        CommonOptions.ApiKeyEnv("With --base-url: the environment variable holding the key"),
        CommonOptions.JudgePromptFile,
    ];

    /// <inheritdoc />
    protected override async Task<ExperimentRunResult> RunCheckedAsync(OptionValues values, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var judgePrompt = JudgeFactory.LoadPrompt(JudgeFactory.PromptFileOption, values.OptionalText(JudgeFactory.PromptFileOption));
        var records = ReadoutRuns.ReadTrials(values, cancellationToken);
        var sample = CrossJudgeSampler.Select(records, new CrossJudgeSamplingOptions
        {
            Seed = values.Integer("--seed"), SampleCount = values.Integer("--samples"), MinimumPerModel = values.Integer("--per-model"),
        });
        var judges = values.Texts("--judge").Select(alias => new CrossJudgeEntry(alias, JudgeFactory.Create(
            alias, values.OptionalText("--base-url"), values.OptionalText("--api-key-env"), judgePrompt, JudgeClientOptions.OpenAiCompatible.MaxOutputTokens))).ToList();
        try
        {
            var folder = values.Text("--out");
            var sets = await CrossJudgeRegrader.RegradeAsync(sample, judges, folder, DateTimeOffset.UtcNow, values.Integer("--concurrency"), cancellationToken).ConfigureAwait(false);
            var analysis = new CrossJudgeAnalysisOptions { OriginalJudgeName = values.Text("--original-judge-name") };
            var rows = CrossJudgeAnalysis.Rows(sample, sets, analysis);
            var tables = new (Microsoft.Data.Analysis.DataFrame Frame, string File)[]
            {
                (CrossJudgeAnalysis.RowsFrame(rows), CrossJudgeAnalysis.RowsCsvFile),
                (CrossJudgeAnalysis.AgreementFrame(CrossJudgeAnalysis.Agreement(rows, analysis)), AgreementCsvFile),
                (CrossJudgeFigure.Metrics(CrossJudgeAnalysis.RowsFrame(rows)), ByModelCsvFile),
            };
            var files = tables.Select(table => Path.Combine(folder, table.File)).ToArray();
            foreach (var (table, file) in tables.Zip(files)) CsvTable.Save(table.Frame, file);
            var report = $"regraded {sample.Trials.Count} trials ({sample.SelfCorrectionCount} multi-attempt) with {sets.Count} judges "
                + $"({string.Join(", ", sets.Select(s => $"{s.Alias}: {s.Errors} errors"))}); wrote {folder}";
            return new ExperimentRunResult(Id, Path.GetFullPath(folder), report) { Files = files };
        }
        finally
        {
            foreach (var entry in judges) (entry.Judge as IDisposable)?.Dispose();
        }
    }
}
