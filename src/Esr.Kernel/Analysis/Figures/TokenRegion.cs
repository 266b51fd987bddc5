namespace Esr.Kernel.Analysis.Figures;

/// <summary>A shaded span of token positions [Start, End) in Figure 6.</summary>
/// <param name="Start">First position.</param>
/// <param name="End">One past the last position.</param>
/// <param name="Label">Its label in the region strip.</param>
/// <param name="Colour">Its shade.</param>
public sealed record TokenRegion(int Start, int End, string Label, string Colour)
{
    /// <summary>
    /// The paper's hard-coded regions for its example: user prompt [0, 40) grey, off-topic [40, 268) purple,
    /// self-correction [268, 293) orange, on-topic [293, end) blue.
    /// </summary>
    public static IReadOnlyList<TokenRegion> Figure6(int tokenCount) =>
    [
        new(0, 40, "User prompt", "#bdc3c7"),
        new(40, 268, "Off-topic", "#8e44ad"),
        new(268, 293, "Self-correction", "#e67e22"),
        new(293, tokenCount, "On-topic", "#3498db"),
    ];
}
