namespace Esr.Kernel;

/// <summary>
/// The figures the workbench draws, by id: what <c>esr figure</c> offers and <see cref="Workbench.Figures"/> lists.
/// A new figure is its definition (<see cref="TrialFigures"/>, <see cref="ReadoutFigures"/> or its own) and one line here.
/// </summary>
public static class FigureCatalog
{
    /// <summary>Every figure, in the paper's order.</summary>
    public static IReadOnlyList<FigureDefinition> All { get; } =
    [
        TrialFigures.Figure2,
        TrialFigures.Figure2Degraded,
        TrialFigures.Figure3,
        TrialFigures.Figure4,
        TrialFigures.Figure4Variants,
        TrialFigures.Figure5,
        ReadoutFigures.Figure6,
        TrialFigures.Figure7,
        TrialFigures.Combined,
        TrialFigures.FigureA2,
        TrialFigures.FigureA3,
        ReadoutFigures.FigureA4,
        ReadoutFigures.FigureA5,
        ReadoutFigures.FigureA5Multi,
        ReadoutFigures.FigureA6,
        TrialFigures.FigureA14,
        ReadoutFigures.FigureA15,
        ReadoutFigures.FigureA16,
    ];

    /// <summary>The figure with this id (case-insensitive).</summary>
    /// <exception cref="EsrInputException">No figure has it; the message lists the ids.</exception>
    public static FigureDefinition Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return All.FirstOrDefault(figure => figure.Id.Equals(id.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new EsrInputException($"unknown figure '{id}': expected one of {string.Join(", ", All.Select(figure => figure.Id))}");
    }
}
