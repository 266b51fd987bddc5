namespace Esr.Kernel.Judging;

/// <summary>
/// Removes the values of the API-key environment variables from any text before it is logged or stored, as a
/// second line of defence: the SDKs are not expected to echo keys, but a proxy or a server error page might.
/// </summary>
public static class SecretRedactor
{
    /// <summary>The environment variables that hold API keys; the only place keys are read from.</summary>
    public static IReadOnlyList<string> KeyVariables { get; } = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"];

    /// <summary>The text with every key value (of at least 8 characters) replaced by <c>[redacted]</c>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var variable in KeyVariables)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value) && value.Length >= 8)
                text = text.Replace(value, "[redacted]", StringComparison.Ordinal);
        }
        return text;
    }
}
