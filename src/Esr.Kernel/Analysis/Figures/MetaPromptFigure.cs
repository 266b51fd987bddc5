using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Figure 4 and the per-model appendix bars (Exp 5): meta-prompt variants against the Exp-1 baseline.</summary>
public static class MetaPromptFigure
{
    /// <summary>The variant id of the baseline rows.</summary>
    public const string Baseline = "baseline";

    /// <summary>The variant Figure 4 sets against the baseline.</summary>
    public const string SelfMonitor = "self_monitor";

    /// <summary>The paper's variants in display order, with display name and colour.</summary>
    public static IReadOnlyList<(string Id, string Name, string Colour)> Variants { get; } =
    [
        (Baseline, "Baseline", "#7f7f7f"),
        ("dont_get_distracted", "Don't get distracted", "#6A0DAD"),
        ("ignore_latent_label", "Ignore {latent_label}", "#0E6655"),
        (SelfMonitor, "Meta-prompted (self_monitor)", "#E67E22"),
        ("resist_manipulation", "Resist manipulation", "#C0392B"),
    ];

    /// <summary>
    /// One row per (model, variant): models Gemma small to large then Llama, variants in <see cref="Variants"/>
    /// order then others by id. Columns: model, display_name, parameters_b, variant, variant_name, the
    /// <see cref="EsrMetrics.ByGroups"/> columns, first_attempt_delta = first_attempt_score − the model's baseline
    /// and first_attempt_delta_se = sqrt(SE_v² + SE_base²) (NaN without a baseline).
    /// Trials of condition <paramref name="baselineCondition"/> (Exp 1's "steered") form the baseline; every
    /// other condition is a variant.
    /// </summary>
    public static DataFrame Build(IEnumerable<TrialRecord> trials, string baselineCondition = "steered", MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var list = trials.ToList();
        string Variant(TrialRecord t) => t.Condition == baselineCondition ? Baseline : t.Condition;
        var frame = new FrameBuilder();
        foreach (var style in ModelStyle.GemmaThenLlama(list.Select(t => t.Model)))
        {
            var groups = list.Where(t => t.Model == style.Model).GroupBy(Variant)
                .Select(g => (Variant: g.Key, Summary: EsrMetrics.Summarize(TrialSelection.Graded(g), options)))
                .OrderBy(g => Order(g.Variant)).ThenBy(g => g.Variant, StringComparer.Ordinal).ToList();
            var baseline = groups.Where(g => g.Variant == Baseline).Select(g => g.Summary.FirstAttemptScore).FirstOrDefault();
            foreach (var (variant, summary) in groups)
            {
                var first = summary.FirstAttemptScore;
                frame.Add(style).Add("variant", variant).Add("variant_name", NameOf(variant)).Add(summary)
                    .Add("first_attempt_delta", baseline is null ? double.NaN : first.Value - baseline.Value)
                    .Add("first_attempt_delta_se", baseline is null ? double.NaN
                        : Math.Sqrt(first.StandardError * first.StandardError + baseline.StandardError * baseline.StandardError));
                frame.EndRow();
            }
        }
        return frame.ToFrame();
    }

    /// <summary>A variant's display name; the id itself for variants outside the paper's.</summary>
    public static string NameOf(string variant) => Variants.FirstOrDefault(v => v.Id == variant).Name ?? variant;

    /// <summary>A variant's colour; grey-blue for variants outside the paper's.</summary>
    public static string ColourOf(string variant) => Variants.FirstOrDefault(v => v.Id == variant).Colour ?? "#34495E";

    private static int Order(string variant)
    {
        int i = Variants.Select(v => v.Id).ToList().IndexOf(variant);
        return i < 0 ? Variants.Count : i;
    }
}
