namespace Esr.Kernel.Experiments.Detectors;

/// <summary>
/// The contrastive off-topic-detector rule (ESR_SPEC §7.1 steps 4-6): a latent is a detector iff its max-pooled
/// activation is below ε on every normal sample and at least ε on at least <see cref="MinShuffledFraction"/> of the
/// shuffled samples. Detectors are sorted by that shuffled share, then shuffled mean, both descending (then index).
/// </summary>
/// <param name="Epsilon">The zero threshold ε (1e-8).</param>
/// <param name="MinShuffledFraction">The share of shuffled samples a detector must fire on (0.8).</param>
public sealed record DetectorRule(double Epsilon = 1e-8, double MinShuffledFraction = 0.8)
{
    /// <summary>The detectors and their statistics.</summary>
    /// <param name="latents">The latent of each column of the pooled vectors.</param>
    /// <param name="normal">One max-pooled vector per normal (prompt, own response) sample.</param>
    /// <param name="shuffled">One max-pooled vector per shuffled (prompt, other prompt's response) sample.</param>
    /// <exception cref="ArgumentException">A side has no samples, or a vector's length differs from the latents'.</exception>
    public IReadOnlyList<DetectorStats> Find(IReadOnlyList<int> latents, IReadOnlyList<float[]> normal, IReadOnlyList<float[]> shuffled)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(normal);
        ArgumentNullException.ThrowIfNull(shuffled);
        if (normal.Count == 0 || shuffled.Count == 0) throw new ArgumentException("both the normal and the shuffled side need at least one sample");
        if (normal.Concat(shuffled).Any(v => v.Length != latents.Count))
            throw new ArgumentException($"every pooled vector must have one value per latent ({latents.Count})");

        var detectors = new List<DetectorStats>();
        for (int column = 0; column < latents.Count; column++)
        {
            if (normal.Any(v => v[column] >= Epsilon)) continue;
            double shuffledAbove = Fraction(shuffled, column, v => v >= Epsilon);
            if (shuffledAbove < MinShuffledFraction) continue;
            double shuffledMean = shuffled.Average(v => (double)v[column]);
            double normalMean = normal.Average(v => (double)v[column]);
            detectors.Add(new DetectorStats(
                latents[column], shuffledMean, normalMean,
                Fraction(shuffled, column, v => v > 0), Fraction(normal, column, v => v > 0),
                shuffledAbove, Fraction(normal, column, v => v >= Epsilon),
                shuffledMean / (normalMean + Epsilon)));
        }
        return detectors
            .OrderByDescending(d => d.ShuffledAboveEpsilonFraction).ThenByDescending(d => d.ShuffledMean).ThenBy(d => d.Latent)
            .ToList();
    }

    private static double Fraction(IReadOnlyList<float[]> samples, int column, Func<double, bool> test) =>
        samples.Count(v => test(v[column])) / (double)samples.Count;
}
