using System.Text.RegularExpressions;

namespace Esr.Cli;

/// <summary>Turns any failure into the single stderr line the CLI promises: no stack trace, no second line.</summary>
internal static partial class ErrorMessages
{
    // The kernel names its inputs as C# does (EsrInputException.Input); the line names the option the user typed.
    private static readonly Dictionary<string, string> Options = new()
    {
        ["LoadOptions.Sae"] = "--sae",
        ["LoadOptions.SaeLayer"] = "--layer",
        ["LoadOptions.PaperFinalNorm"] = "--paper-final-norm",
        ["GenerateOptions.MaxTokens"] = "--max-tokens",
    };

    /// <summary>The line for an exception: its own message for the failures inputs cause, otherwise type and message.</summary>
    public static string For(Exception error) => error switch
    {
        EsrInputException { Input: { } input } when Options.TryGetValue(input, out var option) => OneLine(error.Message.Replace(input, option, StringComparison.Ordinal)),
        // Thrown by the parts that check inputs; their messages already name the file, field or value.
        EsrInputException
            or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or NotSupportedException
            or FormatException or System.Text.Json.JsonException or UnauthorizedAccessException
            or ArgumentException or IOException => OneLine(Plain(error)),
        _ => $"internal error ({error.GetType().Name}): {FirstLine(error.Message)}",
    };

    /// <summary>Collapses a message onto one line.</summary>
    public static string OneLine(string message) => Whitespace().Replace(message, " ").Trim();

    /// <summary>The message without the " (Parameter 'x')" and "Actual value was" tails .NET adds to argument errors.</summary>
    private static string Plain(Exception error)
    {
        var message = error.Message;
        if (error is ArgumentException)
        {
            var actual = message.IndexOf("Actual value was", StringComparison.Ordinal);
            if (actual >= 0) message = message[..actual];
            message = ParameterTail().Replace(message, "");
        }
        return message;
    }

    // Native (libtorch) messages carry a C++ backtrace after the first line.
    private static string FirstLine(string message) => OneLine(message.Split('\n', 2)[0]);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterTail();
}
