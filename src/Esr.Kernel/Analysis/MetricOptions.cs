namespace Esr.Kernel.Analysis;

/// <summary>Choices that change the metrics.</summary>
/// <param name="ExcludeDegraded">Drop degraded responses before counting; the paper's default keeps them.</param>
/// <param name="Proportions">Interval for percentages; Wald as the paper.</param>
/// <param name="Z">Interval half-width in standard errors; 1.96 for 95 %.</param>
public sealed record MetricOptions(bool ExcludeDegraded = false, IntervalMethod Proportions = IntervalMethod.Wald, double Z = 1.96)
{
    /// <summary>The paper pipeline's defaults.</summary>
    public static MetricOptions Paper { get; } = new();
}
