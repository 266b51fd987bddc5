namespace Esr.Kernel.Analysis;

/// <summary>The ESR metrics of one group of trials (ESR_SPEC §2.4).</summary>
/// <param name="Included">N: trials that pass the inclusion rules (and the degraded filter when asked).</param>
/// <param name="Degraded">Degraded responses among the included trials (before any degraded filter: the count dropped when excluding).</param>
/// <param name="MultiAttempt">Included trials with more than one scored attempt.</param>
/// <param name="Improved">Multi-attempt trials whose last score beats the first.</param>
/// <param name="FirstAttemptScore">Mean first score over N.</param>
/// <param name="MultiAttemptPercent">100·MultiAttempt/N.</param>
/// <param name="EsrRate">100·Improved/N.</param>
/// <param name="ImprovementRate">100·Improved/MultiAttempt (also the "% improved" of the Exp-1 histograms).</param>
/// <param name="MeanScoreImprovement">Mean of last − first over multi-attempt trials.</param>
/// <param name="MeanScoreImprovementAllTrials">Mean of last − first over all N trials (0 for single attempts): the include-degraded Exp-1 and Exp-8 variant.</param>
public sealed record EsrSummary(
    int Included,
    int Degraded,
    int MultiAttempt,
    int Improved,
    Estimate FirstAttemptScore,
    Estimate MultiAttemptPercent,
    Estimate EsrRate,
    Estimate ImprovementRate,
    Estimate MeanScoreImprovement,
    Estimate MeanScoreImprovementAllTrials);
