using Esr.Kernel.Judging;

namespace Esr.Kernel.Results;

/// <summary>
/// One trial of an experiment: a (latent, prompt, boost, seed) generation plus its grade (DESIGN.md). Runs store one
/// record per JSONL line; imports of the paper's result files (ESR_SPEC §5) produce the same records.
/// </summary>
/// <param name="Key">Identifies the trial within its run; re-running skips keys already stored.</param>
/// <param name="Experiment">The experiment number, 1-10.</param>
/// <param name="Model">The steered model's short name (e.g. "llama-3.3-70b", "toy-small").</param>
/// <param name="Condition">What distinguishes this run's trials from a baseline: "steered", "no_steering",
/// "ablation", a meta-prompt variant id, "random_ablation_set0", ...</param>
/// <param name="Latent">The steered latent's index in the SAE.</param>
/// <param name="LatentLabel">Its label, as shown to the judge.</param>
/// <param name="Prompt">The prompt as the model and the judge saw it (a meta-prompt variant is already rendered).</param>
/// <param name="Boost">The add-intervention value actually used (0 without steering).</param>
/// <param name="Threshold">The latent's calibrated threshold, null when it has none.</param>
/// <param name="Seed">The sampling seed of the generation.</param>
/// <param name="Response">The generated text, special tokens removed.</param>
/// <param name="Verdict">The judge's verdict; null when the trial never reached the judge.</param>
/// <param name="Error">Why the trial failed, if it did (generation or judging); such a trial is never counted.</param>
public sealed record TrialRecord(
    string Key,
    int Experiment,
    string Model,
    string Condition,
    int Latent,
    string LatentLabel,
    string Prompt,
    double Boost,
    double? Threshold,
    int Seed,
    string Response,
    JudgeVerdict? Verdict,
    string? Error)
{
    /// <summary>The judge's name (<see cref="IJudge.Name"/>).</summary>
    public string Judge { get; init; } = "";

    /// <summary>The prompt before a meta-prompt variant was applied; null when it is <see cref="Prompt"/>.</summary>
    public string? BasePrompt { get; init; }

    /// <summary>Latents zero-ablated during the generation (Exp 3 and 10); empty when none.</summary>
    public IReadOnlyList<int> AblatedLatents { get; init; } = [];

    /// <summary>The error of the trial's latent (e.g. its calibration failed); the whole latent is then skipped.</summary>
    public string? LatentError { get; init; }

    /// <summary>The file the record was imported from, for records read from the paper's result files.</summary>
    public string? SourceFile { get; init; }

    /// <summary>
    /// The trial as the metrics see it, grouped by model, condition, latent, boost and judge (the key columns
    /// the metrics by group can use).
    /// </summary>
    public GradedTrial ToGradedTrial() =>
        new(Response, Verdict?.Attempts, Error ?? Verdict?.Error, LatentError)
        {
            Keys = new Dictionary<string, string>
            {
                ["model"] = Model,
                ["condition"] = Condition,
                ["latent"] = Latent.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["boost"] = Boost.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["judge"] = Judge,
                ["experiment"] = Experiment.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
}
