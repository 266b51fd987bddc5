using System.Text.RegularExpressions;

namespace Esr.Kernel;

/// <summary>
/// An input the caller gave that cannot be used: a file, field, option or value. The message is one line that names
/// the input and what was expected; front ends show it as it is (the CLI as <c>esr: ...</c>, exit status 1; the
/// magics as a diagnostic). The kernel's format errors (model, SAE, .npy and label files) derive from it, so a front
/// end catches this one type.
/// </summary>
public partial class EsrInputException : Exception
{
    /// <summary>An input error with <paramref name="message"/> collapsed onto one line.</summary>
    public EsrInputException(string message) : base(OneLine(message))
    {
    }

    /// <summary>An input error caused by <paramref name="inner"/> (e.g. a file error met while resolving the input).</summary>
    public EsrInputException(string message, Exception inner) : base(OneLine(message), inner)
    {
    }

    /// <summary>
    /// The facade input the message names, spelled as in the message (e.g. <c>GenerateOptions.MaxTokens</c>), when the
    /// error is about one; a front end may put its own name for that input in its place (the CLI: <c>--max-tokens</c>).
    /// </summary>
    public string? Input { get; init; }

    private static string OneLine(string message) => Whitespace().Replace(message, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
