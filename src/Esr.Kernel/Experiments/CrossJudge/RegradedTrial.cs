using Esr.Kernel.Judging;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>A sampled trial with one cross-judge's new grade.</summary>
public sealed record RegradedTrial(SampledTrial Sampled, JudgeVerdict NewGrade);
