namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>How Experiment 7 picks the trials to regrade (ESR_SPEC §6 Exp 7; defaults as <c>regrade_cross_judge.py</c>).</summary>
public sealed record CrossJudgeSamplingOptions
{
    /// <summary>Seed of the random top-ups.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The sample size the random top-up fills to (<c>n_samples</c>); every multi-attempt trial is kept even beyond it.</summary>
    public int SampleCount { get; init; } = 1000;

    /// <summary>Each target model is topped up to at least this many trials before the overall top-up.</summary>
    public int MinimumPerModel { get; init; } = 100;

    /// <summary>
    /// Trials whose source file name contains one of these (ordinal, case-sensitive) are left out. [QUIRK] The
    /// paper's list, "ratio" and "merged", still lets <c>_with_ablation</c> and <c>_no_steering_baseline</c> files in.
    /// </summary>
    public IReadOnlyList<string> ExcludedFileSubstrings { get; init; } = ["ratio", "merged"];
}
