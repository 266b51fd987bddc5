namespace Esr.Kernel.Experiments.Runs;

/// <summary>What one start of a run did.</summary>
/// <param name="Total">Trials in the run (this shard).</param>
/// <param name="AlreadyStored">Trials found stored when it started (skipped).</param>
/// <param name="Written">Trials it stored.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record RunOutcome(int Total, int AlreadyStored, int Written, TimeSpan Elapsed)
{
    /// <summary>Trials stored per minute by this start.</summary>
    public double TrialsPerMinute => Elapsed.TotalMinutes > 0 ? Written / Elapsed.TotalMinutes : 0;
}
