using System.Globalization;
using System.Text.Json.Nodes;
using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Experiments.Detectors;

/// <summary>What the discovery found.</summary>
/// <param name="Detectors">The detectors, sorted as the rule sorts them.</param>
/// <param name="Prompts">The discovery prompts.</param>
/// <param name="NormalResponses">Each prompt's own unsteered response, in prompt order.</param>
/// <param name="Seeds">Each response's sampling seed.</param>
/// <param name="Permutation">The derangement: shuffled pair i is (prompt i, response of prompt Permutation[i]).</param>
/// <param name="Options">The settings used.</param>
public sealed record DetectorDiscoveryResult(
    IReadOnlyList<DetectorStats> Detectors, IReadOnlyList<string> Prompts, IReadOnlyList<string> NormalResponses,
    IReadOnlyList<int> Seeds, IReadOnlyList<int> Permutation, DetectorDiscoveryOptions Options)
{
    /// <summary>The paper's <c>off_topic_detectors_&lt;short&gt;.json</c> content.</summary>
    public JsonObject ToJson()
    {
        var stats = new JsonObject();
        foreach (var d in Detectors)
            stats[d.Latent.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["shuffled_mean_activation"] = d.ShuffledMean,
                ["normal_mean_activation"] = d.NormalMean,
                ["shuffled_active_frequency"] = d.ShuffledActiveFraction,
                ["normal_active_frequency"] = d.NormalActiveFraction,
                ["shuffled_nonzero_fraction"] = d.ShuffledAboveEpsilonFraction,
                ["normal_nonzero_fraction"] = d.NormalAboveEpsilonFraction,
                ["nonzero_shuffled_pct"] = 100 * d.ShuffledAboveEpsilonFraction,
                ["nonzero_normal_pct"] = 100 * d.NormalAboveEpsilonFraction,
                ["activation_ratio"] = d.Ratio,
            };
        var responses = new JsonObject();
        for (int i = 0; i < Prompts.Count; i++) responses[Prompts[i]] = NormalResponses[i];
        return new JsonObject
        {
            ["model_name"] = Options.ModelName,
            ["prompts_file"] = Options.PromptsFile,
            ["num_prompts"] = Prompts.Count,
            ["activation_threshold"] = Options.Rule.Epsilon,
            ["off_topic_detectors"] = JsonResultFile.Integers(Detectors.Select(d => d.Latent)),
            ["detector_stats"] = stats,
            ["normal_responses"] = responses,
        };
    }

    /// <summary>One row per detector, in rule order.</summary>
    public DataFrame ToDataFrame() => new(
        new Int32DataFrameColumn("latent", Detectors.Select(d => d.Latent)),
        new DoubleDataFrameColumn("shuffled_mean", Detectors.Select(d => d.ShuffledMean)),
        new DoubleDataFrameColumn("normal_mean", Detectors.Select(d => d.NormalMean)),
        new DoubleDataFrameColumn("shuffled_active_fraction", Detectors.Select(d => d.ShuffledActiveFraction)),
        new DoubleDataFrameColumn("normal_active_fraction", Detectors.Select(d => d.NormalActiveFraction)),
        new DoubleDataFrameColumn("shuffled_above_epsilon_fraction", Detectors.Select(d => d.ShuffledAboveEpsilonFraction)),
        new DoubleDataFrameColumn("normal_above_epsilon_fraction", Detectors.Select(d => d.NormalAboveEpsilonFraction)),
        new DoubleDataFrameColumn("ratio", Detectors.Select(d => d.Ratio)));
}
