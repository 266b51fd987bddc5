using Esr.Kernel.Interventions;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>One generation of a run: a user prompt, its seed and token limit, and its row's interventions.</summary>
/// <param name="Prompt">The user turn.</param>
/// <param name="Seed">The sampling seed.</param>
/// <param name="MaxNewTokens">The most new tokens (512 for trials, 256 in calibration).</param>
/// <param name="Interventions">Applied at the steering block to this row only; empty for none.</param>
public sealed record GenerationJob(string Prompt, int Seed, int MaxNewTokens, IReadOnlyList<Intervention> Interventions);
