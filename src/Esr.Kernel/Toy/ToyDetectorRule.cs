namespace Esr.Kernel.Toy;

/// <summary>
/// The toy world's separability rule: a latent is an off-topic detector when its activation separates off-topic
/// tokens from on-task ones with an AUC of at least <see cref="MinAuc"/>. Detectors are sorted by AUC, then by
/// off-topic mean (both descending, then by index), and at most <see cref="MaxDetectors"/> are kept.
/// </summary>
/// <param name="MinAuc">The least AUC (0.9).</param>
/// <param name="MaxDetectors">The most detectors kept (26, the size of the paper's set).</param>
public sealed record ToyDetectorRule(double MinAuc = 0.9, int MaxDetectors = 26)
{
    /// <summary>The detectors among the latents' statistics, in rule order.</summary>
    public IReadOnlyList<ToyDetectorStats> Select(IEnumerable<ToyDetectorStats> latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        return latents.Where(l => l.Auc >= MinAuc)
            .OrderByDescending(l => l.Auc).ThenByDescending(l => l.OffTopicMean).ThenBy(l => l.Latent)
            .Take(MaxDetectors).ToList();
    }
}
