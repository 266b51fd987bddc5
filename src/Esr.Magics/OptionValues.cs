using System.Globalization;
using System.Text.RegularExpressions;
using Esr.Kernel;

namespace Esr.Magics;

/// <summary>
/// Reads the text of a directive option (.NET Interactive binds every option as a string) into a value, with an
/// <see cref="EsrInputException"/> naming the option and what was expected.
/// </summary>
internal static partial class OptionValues
{
    /// <summary>An integer at least <paramref name="minimum"/>, or <paramref name="fallback"/> when the option is absent.</summary>
    public static int Integer(string option, string? text, int fallback, int minimum = int.MinValue)
    {
        if (text is null) return fallback;
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw new EsrInputException($"{option} '{text}' is not an integer");
        if (value < minimum) throw new EsrInputException($"{option} is {value} (expected {minimum} or more)");
        return value;
    }

    /// <summary>An integer at least <paramref name="minimum"/>, or null when the option is absent.</summary>
    public static int? OptionalInteger(string option, string? text, int minimum = int.MinValue) =>
        text is null ? null : Integer(option, text, 0, minimum);

    /// <summary>A finite number, or <paramref name="fallback"/> when the option is absent.</summary>
    public static double Number(string option, string? text, double fallback)
    {
        if (text is null) return fallback;
        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new EsrInputException($"{option} '{text}' is not a finite number");
    }

    /// <summary>Comma-separated finite numbers, e.g. "0,8,16".</summary>
    public static double[] Numbers(string option, string text) =>
        Items(option, text, "comma-separated numbers, e.g. 0,8,16").Select(item => Number(option, item, 0)).ToArray();

    /// <summary>Comma-separated latent indices, e.g. "12,345", or null when the option is absent.</summary>
    public static int[]? Latents(string option, string? text) =>
        text is null ? null : Items(option, text, "comma-separated latents, e.g. 12,345").Select(item => Latent(option, item)).ToArray();

    /// <summary>One latent index.</summary>
    public static int Latent(string option, string text) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var latent)
            ? latent
            : throw new EsrInputException($"{option} '{text}' is not a latent (a non-negative integer)");

    /// <summary>A C# variable name for <c>--name</c>, or null when the option is absent.</summary>
    public static string? VariableName(string? text)
    {
        if (text is null) return null;
        return Identifier().IsMatch(text)
            ? text
            : throw new EsrInputException($"--name '{text}' is not a C# variable name (letters, digits and _, not starting with a digit)");
    }

    private static string[] Items(string option, string text, string expected)
    {
        var items = text.Split(',').Select(item => item.Trim()).ToArray();
        return items.Any(item => item.Length == 0)
            ? throw new EsrInputException($"{option} '{text}' has an empty item (expected {expected})")
            : items;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
