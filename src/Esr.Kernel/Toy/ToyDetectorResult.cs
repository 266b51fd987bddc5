using System.Globalization;
using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Toy;

/// <summary>What the toy world's detector discovery found (<see cref="ToyDetectorDiscovery"/>).</summary>
/// <param name="Detectors">The detectors, in rule order.</param>
/// <param name="Trials">The steered trials read.</param>
/// <param name="OffTopicTokens">First-attempt tokens in sentences that are not on task, over all trials.</param>
/// <param name="OnTaskTokens">First-attempt tokens in on-task sentences, over all trials.</param>
/// <param name="SteeredLatents">The latents the trials steered, left out of the search.</param>
/// <param name="Options">The settings used.</param>
public sealed record ToyDetectorResult(
    IReadOnlyList<ToyDetectorStats> Detectors, int Trials, int OffTopicTokens, int OnTaskTokens, IReadOnlyList<int> SteeredLatents,
    ToyDetectorOptions Options)
{
    /// <summary>The <c>method</c> field of the detector file.</summary>
    public const string Method = "toy-separability";

    /// <summary>
    /// The detector file, in the paper's format (<c>off_topic_detectors</c> and <c>detector_stats</c>), so that
    /// <c>esr experiment 3 --ablate</c> reads it as it is.
    /// </summary>
    public JsonObject ToJson()
    {
        var stats = new JsonObject();
        foreach (var d in Detectors)
            stats[d.Latent.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["auc"] = d.Auc,
                ["off_topic_mean_activation"] = d.OffTopicMean,
                ["on_task_mean_activation"] = d.OnTaskMean,
                ["off_topic_active_fraction"] = d.OffTopicActiveFraction,
                ["on_task_active_fraction"] = d.OnTaskActiveFraction,
            };
        return new JsonObject
        {
            ["model_name"] = Options.ModelName,
            ["sae"] = Options.Sae,
            ["method"] = Method,
            ["note"] = "The toy world's separability method, not the paper's contrastive rule (experiment 3a): each latent's AUC "
                + "separating the first attempts' off-topic tokens from their on-task ones in steered experiment-1 trials, "
                + "read with the trial's steering, each token labelled by the exact judge's kind of its sentence; steered latents left out.",
            ["source_results"] = Options.SourceResults,
            ["min_auc"] = Options.Rule.MinAuc,
            ["max_detectors"] = Options.Rule.MaxDetectors,
            ["trials"] = Trials,
            ["off_topic_tokens"] = OffTopicTokens,
            ["on_task_tokens"] = OnTaskTokens,
            ["steered_latents"] = JsonResultFile.Integers(SteeredLatents),
            ["off_topic_detectors"] = JsonResultFile.Integers(Detectors.Select(d => d.Latent)),
            ["detector_stats"] = stats,
        };
    }
}
