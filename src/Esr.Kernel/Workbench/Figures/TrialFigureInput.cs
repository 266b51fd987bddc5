using Esr.Kernel.Analysis;
using Esr.Kernel.Results;

namespace Esr.Kernel;

/// <summary>What a <see cref="TrialFigure"/>'s chart draws from.</summary>
/// <param name="Trials">The trials the figure pools (<see cref="TrialFigure.Select"/>).</param>
/// <param name="Sources">Every source read, with its threshold-cache statistics (Figure 3's normalization).</param>
/// <param name="Request">The request, for the options the figure reads.</param>
public sealed record TrialFigureInput(IReadOnlyList<TrialRecord> Trials, IReadOnlyList<LoadedSource> Sources, FigureRequest Request)
{
    /// <summary>The metric options the request asks for (<see cref="FigureRequest.ExcludeDegraded"/>).</summary>
    public MetricOptions Metrics => new(ExcludeDegraded: Request.ExcludeDegraded);
}
