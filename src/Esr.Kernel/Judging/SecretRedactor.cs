using Microsoft.Extensions.AI;

namespace Esr.Kernel.Judging;

/// <summary>
/// Takes API keys out of text before it is shown, logged or stored: the SDKs are not expected to echo keys, but a
/// server, a proxy or an error page might, in a reply or in an error body. A redactor holds the key of one client,
/// whatever variable it came from, and the values of <see cref="KeyVariables"/>. The clients
/// <see cref="JudgeBackends"/> builds redact their replies themselves and hand out their redactor through
/// <see cref="IChatClient.GetService"/> (see <see cref="For"/>), for the error messages their callers keep.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a key is replaced with.</summary>
    public const string Mask = "[redacted]";

    /// <summary>Shorter values are left alone: they are no keys (a keyless server's placeholder, an empty variable).</summary>
    public const int MinimumLength = 8;

    private readonly string[] _secrets;

    /// <summary>A redactor of <paramref name="secrets"/> and of the standard key variables' values at this moment.</summary>
    public SecretRedactor(params string?[] secrets) =>
        _secrets = secrets.Concat(KeyVariables.Select(Environment.GetEnvironmentVariable))
            .OfType<string>().Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ToArray(); // a key that holds another is replaced first

    /// <summary>The standard environment variables that hold API keys (<c>--api-key-env</c> may name another).</summary>
    public static IReadOnlyList<string> KeyVariables { get; } = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENROUTER_API_KEY"];

    /// <summary>The redactor of <paramref name="client"/>'s key, or one of the standard variables for a client without one.</summary>
    public static SecretRedactor For(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetService<SecretRedactor>() ?? new SecretRedactor();
    }

    /// <summary>The text with every secret replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var secret in _secrets) text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }
}
