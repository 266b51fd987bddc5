namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>How two judges agree on the trials both graded (ESR_SPEC §6 Exp 7).</summary>
/// <param name="JudgeA">The first judge.</param>
/// <param name="JudgeB">The second judge.</param>
/// <param name="SharedTrials">Trials with a usable grade from both.</param>
/// <param name="PearsonFirstScore">Pearson r of the first-attempt scores (NaN when a judge's scores are constant).</param>
/// <param name="MultiAttemptAgreement">Share of shared trials where both or neither found several attempts.</param>
/// <param name="BothMulti">Shared trials both judges call multi-attempt.</param>
/// <param name="EsrDirectionAgreement">Among those (when more than the minimum), the share where both improvements
/// are &gt; 0 or both ≤ 0; NaN otherwise.</param>
/// <param name="AttemptCountAgreement">Share of shared trials with the same number of attempts (Figure A.6's exact agreement).</param>
public sealed record JudgeAgreement(
    string JudgeA, string JudgeB, int SharedTrials, double PearsonFirstScore, double MultiAttemptAgreement,
    int BothMulti, double EsrDirectionAgreement, double AttemptCountAgreement);
