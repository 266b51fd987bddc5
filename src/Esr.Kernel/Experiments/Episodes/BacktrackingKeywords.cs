using System.Text.RegularExpressions;

namespace Esr.Kernel.Experiments.Episodes;

/// <summary>
/// The keyword search for backtracking latents over SAE labels (ESR_SPEC §7.2 step 1): each pattern that occurs in
/// the lower-cased label adds its weight once; any technical-error exclusion pattern zeroes the score.
/// </summary>
public static class BacktrackingKeywords
{
    /// <summary>
    /// The paper's fixed list used by the analysis: the 15 candidates scoring ≥ 5 on the 70B labels, plus 33044
    /// ("sarcastic backtracking", also an off-topic detector).
    /// </summary>
    public static IReadOnlyList<int> PaperLatents { get; } =
        [5852, 18311, 45478, 52694, 57675, 63162, 3994, 3473, 5215, 7318, 53491, 890, 1719, 28564, 34597, 33044];

    /// <summary>Patterns (regular expressions over the lower-cased label) and their weights.</summary>
    public static IReadOnlyList<(string Pattern, int Weight)> Patterns { get; } =
    [
        ("self-correct", 3), ("backtrack", 3), ("correct a", 3), ("correcting", 3), ("made a mistake", 3),
        ("acknowledg.*error", 3), ("apologize", 3), ("apolog", 3),
        ("mistake", 2), ("incorrect", 2), ("revise", 2), ("reconsider", 2), ("take back", 2), ("taking ownership", 2),
        ("responsibility for", 2),
        ("error", 1), ("wrong", 1), ("acknowledge", 1), ("careful and precise", 1), ("realiz", 1),
    ];

    /// <summary>Technical-error patterns (case-insensitive regular expressions); a match zeroes the score.</summary>
    public static IReadOnlyList<string> Exclusions { get; } =
    [
        "http", "stack trace", "encoding error", "python type", "array index", "bounds check", "error handling",
        "error message", "try.?catch", "exception", "unicode", "replacement character", "syntax error", "compilation",
        "debug", "line number", "error code", "api error", "network error", "file.*error", "database", "sql",
        "validation error", "input validation", "security", "authentication", "password", "permission",
        "access denied", "timeout", "connection", @"\b(404|500|403|401)\b", "await.*async", "loop",
    ];

    private static readonly Regex[] PatternRegexes = Patterns.Select(p => new Regex(p.Pattern, RegexOptions.CultureInvariant)).ToArray();
    private static readonly Regex[] ExclusionRegexes = Exclusions.Select(p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToArray();

    /// <summary>The label's score.</summary>
    public static int Score(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (ExclusionRegexes.Any(r => r.IsMatch(label))) return 0;
        var lower = label.ToLowerInvariant();
        return PatternRegexes.Select((r, i) => r.IsMatch(lower) ? Patterns[i].Weight : 0).Sum();
    }

    /// <summary>Latents scoring at least <paramref name="minimumScore"/>, by score descending then index.</summary>
    public static IReadOnlyList<BacktrackingCandidate> Candidates(IEnumerable<(int Latent, string Label)> labels, int minimumScore = 1)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.Select(l => new BacktrackingCandidate(l.Latent, l.Label, Score(l.Label)))
            .Where(c => c.Score >= minimumScore)
            .OrderByDescending(c => c.Score).ThenBy(c => c.Latent)
            .ToList();
    }
}
