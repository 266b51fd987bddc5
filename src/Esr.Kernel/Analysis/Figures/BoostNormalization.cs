using Esr.Kernel.Results;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>The threshold-cache statistics that put Figure-3 boosts in standard deviations from the mean.</summary>
/// <param name="Mean">μ: mean of the cached thresholds.</param>
/// <param name="StandardDeviation">σ: their population standard deviation.</param>
public sealed record BoostNormalization(double Mean, double StandardDeviation)
{
    /// <summary>(boost − μ)/σ.</summary>
    public double Normalize(double boost) => (boost - Mean) / StandardDeviation;

    /// <summary>The average of several files' statistics (μ̄, σ̄), as Figure 3 pools files.</summary>
    public static BoostNormalization Average(IEnumerable<BoostNormalization> files)
    {
        var list = files.ToList();
        if (list.Count == 0) throw new ArgumentException("No statistics to average.", nameof(files));
        return new(list.Average(s => s.Mean), list.Average(s => s.StandardDeviation));
    }

    /// <summary>
    /// Each model's statistics for Figure 3: the average of those of the sources holding its sweep (the paper's μ̄,
    /// σ̄: a run's manifest or a paper file's <c>threshold_cache_stats</c>), or <paramref name="mean"/> and
    /// <paramref name="std"/> for every model when both are given.
    /// </summary>
    /// <param name="sources">The sources read, with their statistics.</param>
    /// <param name="sweep">The sweep's trials (condition <c>boost_sweep</c>).</param>
    /// <param name="mean">The override μ (<c>--boost-mean</c>), or null.</param>
    /// <param name="std">The override σ (<c>--boost-std</c>), or null.</param>
    /// <exception cref="EsrInputException">Only one override is given, σ is not positive, or a source of the sweep has
    /// no statistics (naming it).</exception>
    public static IReadOnlyDictionary<string, BoostNormalization> PerModel(
        IReadOnlyList<LoadedSource> sources, IReadOnlyList<TrialRecord> sweep, double? mean, double? std)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(sweep);
        var models = sweep.Select(t => t.Model).Distinct(StringComparer.Ordinal).ToList();
        if (mean is { } m && std is { } s)
        {
            if (!(s > 0)) throw new EsrInputException($"--boost-std must be positive, got {s}");
            return models.ToDictionary(model => model, _ => new BoostNormalization(m, s));
        }
        if (mean is not null || std is not null) throw new EsrInputException("give both --boost-mean and --boost-std, or neither");
        return models.ToDictionary(model => model, model =>
        {
            var stats = Average(sources.Where(source => source.Trials.Any(t => t.Condition == "boost_sweep" && t.Model == model))
                .Select(source => source.ThresholdCacheStats is { } cache ? new BoostNormalization(cache.Mean, cache.Std)
                    : throw new EsrInputException($"figure 3 needs the threshold-cache statistics of the sweep: {source.Path} has no threshold_cache_stats; give --boost-mean and --boost-std")));
            return stats.StandardDeviation > 0 ? stats
                : throw new EsrInputException($"figure 3: the threshold-cache SD of {model}'s sweep is {stats.StandardDeviation}; give --boost-mean and --boost-std");
        });
    }
}
