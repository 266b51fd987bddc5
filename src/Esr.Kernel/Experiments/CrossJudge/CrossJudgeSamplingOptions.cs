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
    /// The experiments whose trials make the pool: those of the paper's <c>experiment_results_*</c> files in the
    /// judge folder, which the script globs (Exp 1, Exp 3's <c>_with_ablation</c> and Exp 8's
    /// <c>_no_steering_baseline</c>; Exp 4's fine-tuned files leave by name, below). Not the boost sweep (2),
    /// meta-prompting (5), fine-tuning runs of this workbench (4) or the <c>random_latent_control</c> folder (10).
    /// </summary>
    public IReadOnlyList<int> Experiments { get; init; } = [1, 3, 8];

    /// <summary>
    /// Trials whose source file name contains one of these (ordinal, case-sensitive) are left out. [QUIRK] The
    /// paper's list, "ratio" and "merged", still lets <c>_with_ablation</c> and <c>_no_steering_baseline</c> files in.
    /// </summary>
    public IReadOnlyList<string> ExcludedFileSubstrings { get; init; } = ["ratio", "merged"];
}
