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
        [Named(UserPrompt, 0, 40), Named(OffTopic, 40, 268), Named(SelfCorrection, 268, 293), Named(OnTopic, 293, tokenCount)];

    /// <summary>The region names, as experiment 6's JSON and per-token table write them.</summary>
    public const string UserPrompt = "user prompt", OffTopic = "off-topic", SelfCorrection = "self-correction", OnTopic = "on-topic";

    /// <summary>The names Figure 6 knows, each with its shade.</summary>
    public static IReadOnlyDictionary<string, string> Colours { get; } = new Dictionary<string, string>
    {
        [UserPrompt] = "#bdc3c7", [OffTopic] = "#8e44ad", [SelfCorrection] = "#e67e22", [OnTopic] = "#3498db",
    };

    /// <summary>A region by its name ("off-topic"), labelled with a capital ("Off-topic") and shaded as in the paper.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Colours"/>.</exception>
    public static TokenRegion Named(string name, int start, int end) =>
        Colours.TryGetValue(name, out var colour)
            ? new(start, end, char.ToUpperInvariant(name[0]) + name[1..], colour)
            : throw new ArgumentException($"no Figure 6 region '{name}' (expected {string.Join(", ", Colours.Keys)})", nameof(name));
}
