namespace Esr.Kernel.Results;

/// <summary>Mean and population standard deviation of a threshold cache's thresholds (ESR_SPEC §6 Exp 2).</summary>
public sealed record ThresholdCacheStats(double Mean, double Std);
