namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>One (judge, trial) row of the Experiment 7 analysis.</summary>
/// <param name="Judge">The judge's alias (the original grade under <see cref="CrossJudgeAnalysisOptions.OriginalJudgeName"/>).</param>
/// <param name="TrialKey">The trial's dedup key (source file, seed, latent).</param>
/// <param name="TargetModel">The steered model ("" when the file name maps to none).</param>
/// <param name="FirstScore">The first attempt's score.</param>
/// <param name="LastScore">The last attempt's score.</param>
/// <param name="Attempts">The number of attempts (only the scored ones without <see cref="CrossJudgeAnalysisOptions.MissingScoresAsZero"/>).</param>
/// <param name="Improvement">Last minus first for multi-attempt rows, else 0.</param>
public sealed record CrossJudgeRow(string Judge, string TrialKey, string TargetModel, double FirstScore, double LastScore, int Attempts, double Improvement)
{
    /// <summary>More than one attempt.</summary>
    public bool HasMulti => Attempts > 1;
}
