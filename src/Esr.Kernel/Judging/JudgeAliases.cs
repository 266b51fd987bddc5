namespace Esr.Kernel.Judging;

/// <summary>
/// The judge model aliases of ESR_SPEC §2.3 and the routing rule: an id with "/" goes to OpenRouter, one with
/// "claude" to Anthropic. Note the original's quirk, kept: <c>haiku</c> means Claude 3.5 Haiku; the paper's primary
/// judge, Claude Haiku 4.5, is <see cref="PaperPrimary"/> (also reachable as <c>haiku-4.5</c>).
/// </summary>
public static class JudgeAliases
{
    /// <summary>The paper's primary judge, Claude Haiku 4.5.</summary>
    public const string PaperPrimary = "claude-haiku-4-5-20251001";

    /// <summary>Alias → model id.</summary>
    public static IReadOnlyDictionary<string, string> Table { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["sonnet"] = "claude-sonnet-4-5-20250929",
        ["sonnet-4.5"] = "claude-sonnet-4-5-20250929",
        ["haiku"] = "claude-3-5-haiku-20241022",
        ["haiku-3.5"] = "claude-3-5-haiku-20241022",
        ["haiku-4.5"] = PaperPrimary,
        ["gpt-5-mini"] = "openai/gpt-5-mini",
        ["qwen3-32b"] = "qwen/qwen3-32b",
        ["gemini-2.0-flash"] = "google/gemini-2.0-flash-001",
        ["gemini-2.5-flash"] = "google/gemini-2.5-flash",
        ["gemini-2.5-pro"] = "google/gemini-2.5-pro",
        ["gemini-3-flash"] = "google/gemini-3-flash-preview",
    };

    /// <summary>The model id for an alias, or the input itself when it is not an alias.</summary>
    public static string Resolve(string aliasOrModel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aliasOrModel);
        return Table.TryGetValue(aliasOrModel.Trim(), out var id) ? id : aliasOrModel.Trim();
    }

    /// <summary>Where a model id is sent.</summary>
    public static JudgeProvider Route(string modelId) =>
        modelId.Contains('/', StringComparison.Ordinal) ? JudgeProvider.OpenRouter
        : modelId.Contains("claude", StringComparison.OrdinalIgnoreCase) ? JudgeProvider.Anthropic
        : JudgeProvider.OpenAI;

    /// <summary>The result folder name: the id after its last "/", "-" and "." made "_", plus "_judge".</summary>
    public static string FolderName(string modelId)
    {
        var tail = modelId[(modelId.LastIndexOf('/') + 1)..];
        return tail.Replace('-', '_').Replace('.', '_') + "_judge";
    }
}
