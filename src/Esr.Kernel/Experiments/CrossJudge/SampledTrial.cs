using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>One trial chosen for regrading.</summary>
/// <param name="Trial">The trial with its original grade.</param>
/// <param name="TargetModel">The steered model the trial belongs to (its <see cref="TrialRecord.Model"/>).</param>
/// <param name="HasSelfCorrection">True when the original grade has more than one attempt.</param>
public sealed record SampledTrial(TrialRecord Trial, string TargetModel, bool HasSelfCorrection)
{
    /// <summary>The dedup key of ESR_SPEC §6 Exp 7: source file, seed and latent.</summary>
    public string Key => CrossJudgeSampler.KeyOf(Trial);
}
