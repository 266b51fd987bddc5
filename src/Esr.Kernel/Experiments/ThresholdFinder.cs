namespace Esr.Kernel.Experiments;

/// <summary>
/// Finds the boost at which the judge's first-attempt score averages the target (ESR_SPEC §4): each step scores
/// the posterior median and updates the <see cref="ProbabilisticBisection"/>.
/// </summary>
public static class ThresholdFinder
{
    /// <summary>Runs the search.</summary>
    /// <exception cref="ThresholdCalibrationException">
    /// A sample met <see cref="ThresholdSearchSettings.MaxJudgeErrors"/> judge failures or more than
    /// <see cref="ThresholdSearchSettings.MaxEmptyRetries"/> empty judgements.
    /// </exception>
    public static async Task<ThresholdSearchResult> FindAsync(
        ThresholdSearchSettings settings, CalibrationScorer scorer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scorer);
        if (settings.SamplesPerTrial < 1) throw new ArgumentOutOfRangeException(nameof(settings), "SamplesPerTrial must be at least 1.");
        var bisection = new ProbabilisticBisection(settings);
        var steps = new List<BisectionStep>(settings.Trials);
        int emptyTotal = 0, errorTotal = 0;
        for (int trial = 0; trial < settings.Trials; trial++)
        {
            double boost = bisection.Median();
            double sum = 0;
            for (int sample = 0; sample < settings.SamplesPerTrial; sample++)
            {
                int empty = 0, errors = 0;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var outcome = await scorer(boost, sample, cancellationToken).ConfigureAwait(false);
                    if (outcome.Score is { } score)
                    {
                        sum += Math.Clamp(score, 0, 1);
                        break;
                    }
                    if (outcome.Error is not null)
                    {
                        errors++;
                        errorTotal++;
                        if (errors >= settings.MaxJudgeErrors)
                            throw new ThresholdCalibrationException(
                                $"The judge failed {errors} times at boost {boost}; last error: {outcome.Error}", emptyTotal, errorTotal);
                    }
                    else
                    {
                        empty++;
                        emptyTotal++;
                        if (empty > settings.MaxEmptyRetries)
                            throw new ThresholdCalibrationException(
                                $"The judge found no attempt {empty} times in a row at boost {boost}.", emptyTotal, errorTotal);
                    }
                }
            }
            steps.Add(bisection.Update(boost, sum / settings.SamplesPerTrial));
        }
        return new ThresholdSearchResult(bisection.Median(), steps, emptyTotal, errorTotal);
    }
}
