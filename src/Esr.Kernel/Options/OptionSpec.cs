using System.Collections;
using System.Globalization;

namespace Esr.Kernel.Options;

/// <summary>
/// One option of an experiment or a figure, as data: the catalogs declare their inputs with these, and each front end
/// builds its own parser from them (the CLI its System.CommandLine options, the magics their directive parameters).
/// Values are checked here, once for every front end, with one-line messages that name the option and what it takes.
/// </summary>
/// <param name="Name">The option as typed, e.g. "--n-trials".</param>
/// <param name="Kind">What it takes.</param>
/// <param name="Description">One line of help.</param>
public sealed record OptionSpec(string Name, OptionKind Kind, string Description)
{
    /// <summary>The value's name in help (<c>--layer &lt;L&gt;</c>); null for none (flags) or the kind's usual one.</summary>
    public string? HelpName { get; init; }

    /// <summary>The value when the option is not given: an int, double, bool or string, a list of strings for a
    /// repeatable option, or null for none (a flag without a default is then unset rather than off).</summary>
    public object? Default { get; init; }

    /// <summary>The least value of an Integer or Number option, or null.</summary>
    public double? Minimum { get; init; }

    /// <summary>True when <see cref="Minimum"/> itself is not allowed (a Number "&gt; 0").</summary>
    public bool MinimumExclusive { get; init; }

    /// <summary>The greatest value of an Integer or Number option, or null.</summary>
    public double? Maximum { get; init; }

    /// <summary>The values a Choice option takes.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>True when the option must be given.</summary>
    public bool Required { get; init; }

    /// <summary>True when the option may be given several times; its value is the list of every value given.</summary>
    public bool Repeatable { get; init; }

    /// <summary>A text option.</summary>
    public static OptionSpec Text(string name, string description, string helpName, bool required = false, string? defaultValue = null) =>
        new(name, OptionKind.Text, description) { HelpName = helpName, Required = required, Default = defaultValue };

    /// <summary>A file or folder option.</summary>
    public static OptionSpec Path(string name, string description, string helpName, bool required = false) =>
        new(name, OptionKind.Path, description) { HelpName = helpName, Required = required };

    /// <summary>A whole-number option; without a default it is unset unless given.</summary>
    public static OptionSpec Integer(string name, string description, int? defaultValue = null, int? minimum = null, int? maximum = null, string helpName = "n") =>
        new(name, OptionKind.Integer, description) { HelpName = helpName, Default = defaultValue, Minimum = minimum, Maximum = maximum };

    /// <summary>A finite-number option; without a default it is unset unless given.</summary>
    public static OptionSpec Number(string name, string description, double? defaultValue = null, double? minimum = null, bool minimumExclusive = false, double? maximum = null) =>
        new(name, OptionKind.Number, description) { HelpName = "number", Default = defaultValue, Minimum = minimum, MinimumExclusive = minimumExclusive, Maximum = maximum };

    /// <summary>An on/off option, off unless given.</summary>
    public static OptionSpec Flag(string name, string description) => new(name, OptionKind.Flag, description) { Default = false };

    /// <summary>An on/off option that is unset (neither on nor off) unless given: "--flag", "--flag true" or "--flag false".</summary>
    public static OptionSpec OptionalFlag(string name, string description) => new(name, OptionKind.Flag, description) { HelpName = "true|false" };

    /// <summary>An option taking one of <paramref name="choices"/>.</summary>
    public static OptionSpec Choice(string name, string description, IReadOnlyList<string> choices, string? defaultValue = null) =>
        new(name, OptionKind.Choice, description) { HelpName = string.Join('|', choices), Choices = choices, Default = defaultValue };

    /// <summary>The typed value of one text as given on a command line.</summary>
    /// <exception cref="EsrInputException">The text is not a value of this option; the message names it and what it takes.</exception>
    public object Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (Kind)
        {
            case OptionKind.Integer:
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                    throw new EsrInputException($"{Name} must be an integer, not '{text}'");
                return CheckInteger(integer, text);
            case OptionKind.Number:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    throw new EsrInputException($"{Name} must be a number, not '{text}'");
                return CheckNumber(number, text);
            case OptionKind.Flag:
                return bool.TryParse(text, out var flag) ? flag : throw new EsrInputException($"{Name} must be true or false, not '{text}'");
            case OptionKind.Choice:
                return CheckChoice(text);
            default:
                return text;
        }
    }

    /// <summary>
    /// A value given in code or by a front end's own parser, checked: a string is parsed as <see cref="Parse"/> does,
    /// a typed value must be of the kind's type and within its bounds, a repeatable option's value is a list of them.
    /// </summary>
    /// <exception cref="EsrInputException">The value is not a value of this option.</exception>
    public object Check(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Repeatable)
        {
            IEnumerable items = value is IEnumerable list and not string ? list : new[] { value };
            return items.Cast<object>().Select(Single).ToArray();
        }
        return Single(value);
    }

    /// <summary>What the option takes, for messages: "an integer >= 1", "float32 or bfloat16", "true or false", ...</summary>
    public string Expected => Kind switch
    {
        OptionKind.Integer => "an integer" + Bounds(),
        OptionKind.Number => "a finite number" + Bounds(),
        OptionKind.Flag => "true or false",
        OptionKind.Choice => Alternatives(),
        OptionKind.Path => "a path",
        _ => "a text",
    };

    private object Single(object value) => value switch
    {
        string text => Parse(text),
        int integer when Kind == OptionKind.Integer => CheckInteger(integer, integer.ToString(CultureInfo.InvariantCulture)),
        int integer when Kind == OptionKind.Number => CheckNumber(integer, integer.ToString(CultureInfo.InvariantCulture)),
        double number when Kind == OptionKind.Number => CheckNumber(number, number.ToString("R", CultureInfo.InvariantCulture)),
        bool flag when Kind == OptionKind.Flag => flag,
        _ => throw new EsrInputException($"{Name} must be {Expected}, not {value.GetType().Name} {value}"),
    };

    private int CheckInteger(int value, string text)
    {
        if (Minimum is { } least && value < least) throw new EsrInputException($"{Name} must be at least {Invariant(least)}, not {text}");
        if (Maximum is { } most && value > most) throw new EsrInputException($"{Name} must be at most {Invariant(most)}, not {text}");
        return value;
    }

    private double CheckNumber(double value, string text)
    {
        if (!double.IsFinite(value)) throw new EsrInputException($"{Name} must be a finite number, not {text}");
        var below = Minimum is { } least && (MinimumExclusive ? value <= least : value < least);
        var above = Maximum is { } most && value > most;
        return below || above ? throw new EsrInputException($"{Name} must be {Bounds().TrimStart()}, not {text}") : value;
    }

    private string CheckChoice(string text) =>
        Choices.Contains(text, StringComparer.Ordinal) ? text : throw new EsrInputException($"{Name} must be {Alternatives()}, not '{text}'");

    private string Bounds() => (Minimum, Maximum) switch
    {
        ({ } least, { } most) when Kind == OptionKind.Number => $" in {(MinimumExclusive ? "(" : "[")}{Invariant(least)}, {Invariant(most)}]",
        ({ } least, { } most) => $" from {Invariant(least)} to {Invariant(most)}",
        ({ } least, null) => MinimumExclusive ? $" > {Invariant(least)}" : $" >= {Invariant(least)}",
        (null, { } most) => $" <= {Invariant(most)}",
        _ => "",
    };

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    // "a or b", "a, b or c"
    private string Alternatives() =>
        Choices.Count <= 1 ? string.Join("", Choices) : string.Join(", ", Choices.Take(Choices.Count - 1)) + " or " + Choices[^1];
}
