namespace Esr.Kernel.Toy;

/// <summary>
/// The shares of each episode kind in a generated corpus; they must add up to 1. Counts are apportioned exactly
/// (largest remainder), so a corpus of n episodes holds round(share × n) of each kind up to one.
/// </summary>
/// <param name="Normal">Task prompt → on-task answer.</param>
/// <param name="SubjectAnswer">
/// "Tell me about X" → subject sentences. Without these the model never produces subject text, and steering a
/// subject latent has nothing coherent to recall (TOY_WORLD_NOTES.md).
/// </param>
/// <param name="Correction">Self-correction: drift (outside the loss) → marker → fresh on-task answer.</param>
/// <param name="CoherentDrift">Drift into subject sentences, in the loss, without return.</param>
public sealed record ToyMixture(double Normal, double SubjectAnswer, double Correction, double CoherentDrift)
{
    /// <summary>The share of subject answers in the presets.</summary>
    public const double SubjectShare = 0.3;

    /// <summary>The base model's corpus: 70 % normal answers, 30 % subject answers, no correction, no drift.</summary>
    public static ToyMixture Base { get; } = new(1 - SubjectShare, SubjectShare, 0, 0);

    /// <summary>
    /// The base corpus with <paramref name="drift"/> of it coherent drift, taken from the normal answers. A little drift
    /// makes steering yield real subject sentences rather than word salad (TOY_WORLD_NOTES.md: 5 %).
    /// </summary>
    /// <param name="drift">The coherent-drift share, 0 to the normal share.</param>
    public static ToyMixture BaseWithDrift(double drift)
    {
        if (!(drift >= 0 && drift <= Base.Normal))
            throw new ArgumentOutOfRangeException(nameof(drift), drift, $"The drift share must be between 0 and {Base.Normal}.");
        return Base with { Normal = Base.Normal - drift, CoherentDrift = drift };
    }

    /// <summary>
    /// A fine-tuning corpus with the paper's mixing ratio: of the task episodes, <paramref name="ratio"/> are
    /// self-correction and the rest normal (ESR_SPEC §8.2's pct); subject answers keep their 30 %.
    /// </summary>
    /// <param name="ratio">The self-correction share among task episodes, 0 to 1.</param>
    public static ToyMixture SelfCorrection(double ratio)
    {
        if (!(ratio is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The mixing ratio must be between 0 and 1.");
        var task = 1 - SubjectShare;
        return new ToyMixture(task * (1 - ratio), SubjectShare, task * ratio, 0);
    }

    /// <summary>The shares in the order of <see cref="ToyEpisodeKind"/>.</summary>
    public IReadOnlyList<double> Shares => [Normal, SubjectAnswer, Correction, CoherentDrift];

    /// <summary>How many episodes of each kind (in the order of <see cref="ToyEpisodeKind"/>) a corpus of
    /// <paramref name="count"/> holds.</summary>
    /// <exception cref="ArgumentException">A share is negative or not finite, or they do not add up to 1.</exception>
    public int[] Counts(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var shares = Shares;
        if (shares.Any(s => !double.IsFinite(s) || s < 0) || Math.Abs(shares.Sum() - 1) > 1e-9)
            throw new ArgumentException(
                $"A mixture needs non-negative shares that add up to 1; got {this}.", nameof(count));
        var exact = shares.Select(s => s * count).ToArray();
        var counts = exact.Select(e => (int)Math.Floor(e)).ToArray();
        // Hand the episodes that rounding down left over to the largest remainders (earlier kinds win ties).
        var order = Enumerable.Range(0, counts.Length).OrderByDescending(i => exact[i] - counts[i]).ThenBy(i => i);
        foreach (var i in order.Take(count - counts.Sum()))
            counts[i]++;
        return counts;
    }
}
