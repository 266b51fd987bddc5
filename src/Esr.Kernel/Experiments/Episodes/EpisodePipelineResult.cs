using Microsoft.Data.Analysis;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>What the episode pipeline produced, beside its files.</summary>
/// <param name="Episodes">The extracted episodes.</param>
/// <param name="Annotations">Their boundary annotations, in episode order.</param>
/// <param name="Activations">The valid episodes' activations.</param>
/// <param name="OffTopicDetectors">OTD group and per-latent region statistics.</param>
/// <param name="Backtracking">Backtracking group and per-latent region statistics.</param>
/// <param name="Baseline">The baseline statistics.</param>
/// <param name="Overlay">Figure A.15's window data (columns otd_* and bt_*).</param>
/// <param name="MedianCorrectionLength">Figure A.15's median correction length in tokens.</param>
public sealed record EpisodePipelineResult(
    IReadOnlyList<Episode> Episodes,
    IReadOnlyList<BoundaryAnnotation> Annotations,
    IReadOnlyList<EpisodeActivations> Activations,
    (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) OffTopicDetectors,
    (GroupRegionStats Group, IReadOnlyList<LatentRegionStats> Latents) Backtracking,
    BaselineStatistics Baseline,
    DataFrame Overlay,
    double MedianCorrectionLength);
