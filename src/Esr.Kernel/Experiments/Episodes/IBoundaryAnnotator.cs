namespace Esr.Kernel.Experiments.Episodes;

/// <summary>Finds where each episode's response goes off-topic, starts its correction and returns on-topic (ESR_SPEC §7.2 step 3).</summary>
public interface IBoundaryAnnotator
{
    /// <summary>One annotation per episode, in order; an episode without the structure gets an invalid one, never an exception.</summary>
    Task<IReadOnlyList<BoundaryAnnotation>> AnnotateAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default);
}
