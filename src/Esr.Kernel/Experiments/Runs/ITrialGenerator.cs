using Esr.Kernel.Generation;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>Generates a batch of steered responses; the run engine's only access to the model.</summary>
public interface ITrialGenerator
{
    /// <summary>The prompt's length in tokens as a generation renders it (the run's <see cref="BatchFrame"/> holds the longest).</summary>
    int PromptTokens(string prompt);

    /// <summary>
    /// The responses, in job order, special tokens removed. Every batch runs in <paramref name="frame"/>, so a job's
    /// response does not depend on the other jobs of its batch.
    /// </summary>
    IReadOnlyList<string> Generate(IReadOnlyList<GenerationJob> jobs, BatchFrame frame, CancellationToken cancellationToken);
}
