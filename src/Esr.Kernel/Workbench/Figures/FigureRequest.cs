using System.Globalization;

namespace Esr.Kernel;

/// <summary>
/// What a figure is drawn from: the result paths and the options of <c>esr figure</c>, typed. Each figure reads only
/// some of them (<see cref="FigureDefinition.Uses"/>); errors name a field by its <c>esr figure</c> option.
/// </summary>
/// <param name="Results">
/// <c>--results</c>: for the trial figures run folders (or their <c>trials.jsonl</c>), paper result <c>.json</c> files
/// or folders searched for both; for the readout figures the one file or output folder their experiment writes
/// (<see cref="FigureDefinition.Input"/>).
/// </param>
public sealed record FigureRequest(IReadOnlyList<string> Results)
{
    /// <summary><c>--model</c>: keep only these models' trials (empty: every model); Figure 4-variants needs exactly one.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary><c>--exclude-degraded</c>: drop degraded (repetitive) outputs; the paper keeps them.</summary>
    public bool ExcludeDegraded { get; init; }

    /// <summary>
    /// <c>--boost-mean</c>: Figure 3's μ for every model; null takes the sweep sources' threshold-cache statistics.
    /// Give both or neither of this and <see cref="BoostStd"/>.
    /// </summary>
    public double? BoostMean { get; init; }

    /// <summary><c>--boost-std</c>: Figure 3's σ for every model (positive); null as <see cref="BoostMean"/>.</summary>
    public double? BoostStd { get; init; }

    /// <summary>
    /// <c>--detector-counts</c>: Figures 5 and A14 count only ablation trials with these numbers of ablated latents;
    /// null: the paper's detector sets (22, 25, 26); empty: every ablation trial. <see cref="ParseDetectorCounts"/>
    /// reads the option's text.
    /// </summary>
    public IReadOnlyList<int>? DetectorCounts { get; init; }

    /// <summary><c>--scale</c>: pixels per layout unit when saved as PNG.</summary>
    public double Scale { get; init; } = 2;

    /// <summary>The option's text as <see cref="DetectorCounts"/>: null stays null, "any" is empty, else "22,25,26".</summary>
    /// <exception cref="EsrInputException">A part is not a whole number.</exception>
    public static IReadOnlyList<int>? ParseDetectorCounts(string? text) =>
        text is null ? null
        : text.Trim().Equals("any", StringComparison.OrdinalIgnoreCase) ? []
        : text.Split(',').Select(part => int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count
            : throw new EsrInputException($"--detector-counts '{text}': expected comma-separated numbers of ablated latents (e.g. 22,25,26) or any")).ToArray();
}
