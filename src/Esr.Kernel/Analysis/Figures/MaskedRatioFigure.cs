using System.Globalization;
using System.Text.RegularExpressions;
using Esr.Kernel.Results;
using Microsoft.Data.Analysis;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>Figure 7 (Exp 4): ESR metrics of the fine-tuned models against their masked self-correction ratio.</summary>
public static partial class MaskedRatioFigure
{
    /// <summary>
    /// The masked ratio in percent a fine-tuned model's name carries ("masked-ratio-&lt;pct&gt;pct"), or null for a
    /// model that is not one of the sweep's.
    /// </summary>
    public static int? RatioOf(string model)
    {
        var match = RatioPattern().Match(model);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// The ratio in percent of a model in the figure's sweep: a paper fine-tune's masked ratio (<see cref="RatioOf"/>),
    /// or a steering-aware toy model's mixing ratio ("toy-m-sa60": 60), the toy world's sweep of the same kind. Toy
    /// models are not "fine-tuned" for the figures that leave fine-tunes out: the steering-aware ones are the toy
    /// world's resisting models.
    /// </summary>
    public static int? SweepRatioOf(string model)
    {
        if (RatioOf(model) is { } ratio) return ratio;
        var match = ToyRatioPattern().Match(model);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// <see cref="MaskedRatioFigureData.Ratios"/>: one row per <see cref="SweepRatioOf"/> ratio ascending (ratio_pct, model, the
    /// <see cref="EsrMetrics.ByGroups"/> columns). <see cref="MaskedRatioFigureData.Base"/>: one row for the base
    /// model (the trials of condition <paramref name="baseCondition"/> whose model has no ratio, Llama-3.1-8B's when
    /// present: <see cref="TrialSelection.FineTuningBase"/>), empty when there are none. As the paper, each condition takes only its most recent source file.
    /// </summary>
    public static MaskedRatioFigureData Build(IEnumerable<TrialRecord> trials, string baseCondition = "steered", MetricOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var tuned = TrialSelection.LatestFilePer(trials.Where(t => SweepRatioOf(t.Model) is not null), t => t.Model).ToList();
        var ratios = new FrameBuilder();
        foreach (var group in tuned.GroupBy(t => SweepRatioOf(t.Model)!.Value).OrderBy(g => g.Key))
        {
            ratios.Add("ratio_pct", group.Key).Add("model", group.First().Model).Add(EsrMetrics.Summarize(TrialSelection.Graded(group), options));
            ratios.EndRow();
        }
        var baseTrials = TrialSelection.LatestFilePer(
            TrialSelection.FineTuningBase(trials.Where(t => SweepRatioOf(t.Model) is null && t.Condition == baseCondition)), _ => "base").ToList();
        var baseRow = new FrameBuilder();
        if (baseTrials.Count > 0)
        {
            baseRow.Add("model", baseTrials[0].Model).Add(EsrMetrics.Summarize(TrialSelection.Graded(baseTrials), options));
            baseRow.EndRow();
        }
        return new(ratios.ToFrame(), baseRow.ToFrame());
    }

    [GeneratedRegex(@"masked-ratio-(\d+)pct", RegexOptions.IgnoreCase)]
    private static partial Regex RatioPattern();

    [GeneratedRegex(@"^toy-[a-z]+-sa(\d+)$")]
    private static partial Regex ToyRatioPattern();
}

/// <summary>The data of Figure 7.</summary>
/// <param name="Ratios">One row per masked ratio.</param>
/// <param name="Base">The base model's row (the dashed line), or no row.</param>
public sealed record MaskedRatioFigureData(DataFrame Ratios, DataFrame Base);
