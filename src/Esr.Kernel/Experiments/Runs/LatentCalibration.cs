using System.Globalization;
using Esr.Kernel.Judging;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// The calibration score function of one latent (ESR_SPEC §4): at a boost, generate with the latent's add
/// intervention (plus the run's ablations) for <see cref="ExperimentSettings.CalibrationMaxTokens"/> tokens, judge,
/// and return attempts[0].score / 100. The samples of one step use distinct prompts (a permutation drawn for that
/// boost); every generation gets its own seed derived from the run seed, so a repeated calibration repeats exactly.
/// </summary>
internal sealed class LatentCalibration(
    CoalescingGenerator generator, IJudge judge, ExperimentSettings settings, int runSeed, IReadOnlyList<string> prompts, LatentPlan latent)
{
    private int _calls; // only one call of a latent's search is in flight at a time

    /// <summary>The <see cref="CalibrationScorer"/>.</summary>
    public Task<CalibrationSample> ScoreAsync(double boost, int sample, CancellationToken cancellationToken)
    {
        var order = RunSeeds.Sample(prompts, prompts.Count, RunSeeds.Random(runSeed, $"calibration|{latent.Latent}|{boost.ToString("R", CultureInfo.InvariantCulture)}"));
        return ScoreAsync(order[sample % order.Count], boost, $"calibration|{latent.Latent}|{_calls++}", cancellationToken);
    }

    /// <summary>The verification generation at the found threshold: its normalised first score, or null.</summary>
    public async Task<double?> VerifyAsync(double threshold, CancellationToken cancellationToken)
    {
        var prompt = prompts[RunSeeds.Random(runSeed, $"verify|{latent.Latent}").Next(prompts.Count)];
        var outcome = await ScoreAsync(prompt, threshold, $"verify|{latent.Latent}", cancellationToken).ConfigureAwait(false);
        return outcome.Score;
    }

    private async Task<CalibrationSample> ScoreAsync(string prompt, double boost, string purpose, CancellationToken cancellationToken)
    {
        var job = new GenerationJob(prompt, RunSeeds.Derive(runSeed, purpose), settings.CalibrationMaxTokens,
            TrialRunner.Interventions(!settings.NoSteering, latent.Latent, boost, latent.Ablated));
        var response = (await generator.GenerateAsync([job]).ConfigureAwait(false))[0];
        var verdict = await judge.JudgeAsync(new JudgeRequest(prompt, response, latent.Label), cancellationToken).ConfigureAwait(false);
        if (verdict.Error is not null) return CalibrationSample.Failed(verdict.Error);
        if (verdict.Attempts is not { Count: > 0 } attempts) return CalibrationSample.NoAttempts;
        return attempts[0].Score is { } score
            ? CalibrationSample.Scored(score / 100)
            : CalibrationSample.Failed("MissingScore: the first attempt has no score");
    }
}
