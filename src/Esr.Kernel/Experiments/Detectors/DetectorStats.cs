namespace Esr.Kernel.Experiments.Detectors;

/// <summary>One off-topic detector's statistics over the discovery samples (ESR_SPEC §7.1 step 5).</summary>
/// <param name="Latent">The latent.</param>
/// <param name="ShuffledMean">Mean max-pooled activation over the shuffled (off-topic) samples.</param>
/// <param name="NormalMean">Mean over the normal samples.</param>
/// <param name="ShuffledActiveFraction">Share of shuffled samples with activation &gt; 0.</param>
/// <param name="NormalActiveFraction">Share of normal samples with activation &gt; 0.</param>
/// <param name="ShuffledAboveEpsilonFraction">Share of shuffled samples with activation ≥ ε.</param>
/// <param name="NormalAboveEpsilonFraction">Share of normal samples with activation ≥ ε.</param>
/// <param name="Ratio">ShuffledMean / (NormalMean + ε).</param>
public sealed record DetectorStats(
    int Latent, double ShuffledMean, double NormalMean, double ShuffledActiveFraction, double NormalActiveFraction,
    double ShuffledAboveEpsilonFraction, double NormalAboveEpsilonFraction, double Ratio);
