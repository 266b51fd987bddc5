using Esr.Kernel.Results;

namespace Esr.Kernel.Toy;

/// <summary>One graded answer of <see cref="ToyEvaluation.TrialsAsync"/>: the task prompt, the latent it steered and the grade.</summary>
/// <param name="Prompt">The task prompt asked.</param>
/// <param name="Latent">The subject latent steered (also when the boost is 0).</param>
/// <param name="Graded">The answer and the exact judge's attempts.</param>
public sealed record ToyTrial(string Prompt, int Latent, GradedTrial Graded);
