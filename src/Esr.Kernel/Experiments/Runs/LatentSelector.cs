using Esr.Kernel.Saes;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>Grades labels for concreteness (0-100) by label text; the shape of the concreteness grader.</summary>
public delegate Task<IReadOnlyDictionary<string, double>> ConcretenessGrading(IReadOnlyList<string> labels, CancellationToken cancellationToken);

/// <summary>Returns the candidates that pass the relevance filter.</summary>
public delegate Task<IReadOnlySet<int>> RelevanceCheck(IReadOnlyList<int> candidates, CancellationToken cancellationToken);

/// <summary>
/// Latent selection (ESR_SPEC §3): draw 3 × n distinct candidates uniformly from the label file's rows (the SAE's
/// width when there is no label file), keep those whose label is graded concrete enough (skipped without a label
/// file or a grader; placeholder labels "feature_i" are dropped), keep those the relevance filter passes, and return
/// the first n survivors in candidate order. Fewer may come back, as in the original.
/// </summary>
public static class LatentSelector
{
    /// <summary>Selects latents.</summary>
    /// <param name="settings">n_features, the candidate multiplier and the concreteness threshold.</param>
    /// <param name="labels">The label file, or null.</param>
    /// <param name="random">The candidate stream (derived from the run seed).</param>
    /// <param name="concreteness">The grader, or null to skip the concreteness filter.</param>
    /// <param name="relevance">The relevance filter, or null to skip it.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<IReadOnlyList<int>> SelectAsync(
        ExperimentSettings settings, LatentLabels? labels, Random random, ConcretenessGrading? concreteness, RelevanceCheck? relevance,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var rows = labels?.RowCount ?? settings.SaeWidth;
        if (rows <= 0) throw new ArgumentException("latent selection needs a label file or the SAE width", nameof(settings));
        var wanted = Math.Min(rows, settings.CandidateMultiplier * settings.NFeatures);
        IReadOnlyList<int> candidates = RunSeeds.Sample(Enumerable.Range(0, rows).ToArray(), wanted, random);
        if (labels is not null && concreteness is not null)
        {
            var graded = candidates.Where(labels.HasLabel).ToArray();
            var scores = await concreteness(graded.Select(latent => labels[latent]).Distinct().ToArray(), cancellationToken).ConfigureAwait(false);
            candidates = graded.Where(latent => scores.GetValueOrDefault(labels[latent]) >= settings.MinConcreteness).ToArray();
        }
        if (relevance is not null)
        {
            var kept = await relevance(candidates, cancellationToken).ConfigureAwait(false);
            candidates = candidates.Where(kept.Contains).ToArray();
        }
        return candidates.Take(settings.NFeatures).ToArray();
    }
}
