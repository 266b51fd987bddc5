using Esr.Kernel.Judging;

namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>One cross-judge of Experiment 7.</summary>
/// <param name="Alias">The name in file names and tables, e.g. "gpt-5-mini".</param>
/// <param name="Judge">The judge; its <see cref="IJudge.Name"/> is written as <c>model_id</c>.</param>
public sealed record CrossJudgeEntry(string Alias, IJudge Judge);
