namespace Esr.Kernel.Experiments.Runs;

/// <summary>Generates a batch of steered responses; the run engine's only access to the model.</summary>
public interface ITrialGenerator
{
    /// <summary>The responses, in job order, special tokens removed.</summary>
    IReadOnlyList<string> Generate(IReadOnlyList<GenerationJob> jobs, CancellationToken cancellationToken);
}
