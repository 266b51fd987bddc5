namespace Esr.Kernel.Experiments.Runs;

/// <summary>A progress event of a run.</summary>
/// <param name="Done">Trials stored, including those stored by earlier starts.</param>
/// <param name="Total">Trials of this run (this shard).</param>
/// <param name="TrialsPerMinute">Trials stored per minute since this start.</param>
/// <param name="Eta">Estimated time left, null before the first trial of this start.</param>
/// <param name="Phase">What the engine is doing ("calibrating latent 12", "generating", ...).</param>
public sealed record RunProgress(int Done, int Total, double TrialsPerMinute, TimeSpan? Eta, string Phase);
