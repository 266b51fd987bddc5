using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>Choices of the Experiment 7 analysis that reproduce <c>plot_exp7.py</c>'s quirks by default.</summary>
public sealed record CrossJudgeAnalysisOptions
{
    /// <summary>
    /// The judge name the original grades are listed under. [QUIRK] The paper's plot calls them "Sonnet-4.5"
    /// although its original grades are Claude Haiku 4.5's; set the real judge's name for a clean table.
    /// </summary>
    public string OriginalJudgeName { get; init; } = "Sonnet-4.5";

    /// <summary>
    /// True (the paper): the target model comes from the source file name by the plot's patterns, and files it does
    /// not recognise ([QUIRK] e.g. <c>gemma-2-9b-res…</c>) get none (""). False, or trials without a source file:
    /// the trial's <see cref="TrialRecord.Model"/>.
    /// </summary>
    public bool TargetModelFromFileName { get; init; } = true;

    /// <summary>
    /// True (the paper): an attempt without a score counts with score 0, and an original grade without attempts (a
    /// failed grade) as one attempt scored 0, as plot_exp7.py reads them. False: unscored attempts are dropped, as in
    /// every other figure, and a grade left with no score gives no row.
    /// </summary>
    public bool MissingScoresAsZero { get; init; } = true;

    /// <summary>Judge pairs sharing fewer trials are left out of the agreement table.</summary>
    public int MinimumSharedTrials { get; init; } = 10;

    /// <summary>The ESR-direction agreement needs more than this many trials that both judges call multi-attempt.</summary>
    public int MinimumBothMultiExclusive { get; init; } = 5;
}
