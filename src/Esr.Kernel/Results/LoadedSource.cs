namespace Esr.Kernel.Results;

/// <summary>What one results source holds (<see cref="SourceResults.Read"/>).</summary>
/// <param name="Path">The run folder or paper result file.</param>
/// <param name="Trials">Its trials.</param>
/// <param name="ThresholdCacheStats">For a boost sweep, the statistics of the threshold cache its levels came from (the
/// run manifest's, or the paper file's <c>threshold_cache_stats</c>); null when the source has none.</param>
public sealed record LoadedSource(string Path, IReadOnlyList<TrialRecord> Trials, ThresholdCacheStats? ThresholdCacheStats);
