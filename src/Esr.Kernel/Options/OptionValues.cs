namespace Esr.Kernel.Options;

/// <summary>
/// The values given for a set of <see cref="OptionSpec"/>s, checked once against them: built from command-line
/// tokens (<see cref="Parse"/>, what the magics pass) or from name/value pairs (<see cref="From"/>, what code and the
/// CLI's own parser pass). Getters return the value given, else the spec's default.
/// </summary>
public sealed class OptionValues
{
    private readonly Dictionary<string, OptionSpec> _specs;
    private readonly Dictionary<string, object> _given;

    private OptionValues(IReadOnlyList<OptionSpec> specs, Dictionary<string, object> given)
    {
        Specs = specs;
        _specs = specs.ToDictionary(spec => spec.Name, StringComparer.Ordinal);
        _given = given;
        foreach (var spec in specs.Where(spec => spec.Required && !given.ContainsKey(spec.Name)))
            throw new EsrInputException($"{spec.Name} <{spec.HelpName ?? "value"}> is required: {spec.Description}");
    }

    /// <summary>The options these values are for.</summary>
    public IReadOnlyList<OptionSpec> Specs { get; }

    /// <summary>
    /// Values by option name: text (parsed as on a command line) or typed (int, double, bool, string; a list for a
    /// repeatable option). A null value counts as not given.
    /// </summary>
    /// <exception cref="EsrInputException">An unknown option, a value the option does not take, or a required option missing.</exception>
    public static OptionValues From(IReadOnlyList<OptionSpec> specs, IEnumerable<KeyValuePair<string, object?>> values)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(values);
        var given = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            var spec = Find(specs, name);
            if (value is not null) given[spec.Name] = spec.Check(value);
        }
        return new OptionValues(specs, given);
    }

    /// <summary>
    /// Values from command-line tokens: <c>--name value</c> or <c>--name=value</c>; a flag alone, or followed by
    /// <c>true</c> or <c>false</c>; a repeatable option as often as wanted.
    /// </summary>
    /// <exception cref="EsrInputException">An unknown option or stray token, an option without its value or given twice, a bad value, or a required option missing.</exception>
    public static OptionValues Parse(IReadOnlyList<OptionSpec> specs, IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(tokens);
        var list = tokens.ToList();
        var given = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var token = list[i];
            if (!token.StartsWith("--", StringComparison.Ordinal)) throw new EsrInputException($"'{token}' is no option (expected --name value)");
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var spec = Find(specs, equals < 0 ? token : token[..equals]);
            string text;
            if (equals >= 0) text = token[(equals + 1)..];
            else if (spec.Kind == OptionKind.Flag) text = i + 1 < list.Count && bool.TryParse(list[i + 1], out _) ? list[++i] : "true";
            else text = i + 1 < list.Count ? list[++i] : throw new EsrInputException($"{spec.Name} needs a value: {spec.Expected}");
            var value = spec.Parse(text);
            if (spec.Repeatable) given[spec.Name] = given.TryGetValue(spec.Name, out var earlier) ? [.. (object[])earlier, value] : new[] { value };
            else if (!given.TryAdd(spec.Name, value)) throw new EsrInputException($"{spec.Name} is given more than once");
        }
        return new OptionValues(specs, given);
    }

    /// <summary>True when the option was given (its default does not count).</summary>
    public bool IsGiven(string name) => _given.ContainsKey(Spec(name).Name);

    /// <summary>A Text, Path or Choice option's value or default.</summary>
    /// <exception cref="ArgumentException">The option has neither.</exception>
    public string Text(string name) => OptionalText(name) ?? throw Missing(name);

    /// <summary>A Text, Path or Choice option's value or default, or null.</summary>
    public string? OptionalText(string name) => (string?)Value(name);

    /// <summary>An Integer option's value or default.</summary>
    /// <exception cref="ArgumentException">The option has neither.</exception>
    public int Integer(string name) => OptionalInteger(name) ?? throw Missing(name);

    /// <summary>An Integer option's value or default, or null.</summary>
    public int? OptionalInteger(string name) => (int?)Value(name);

    /// <summary>A Number option's value or default.</summary>
    /// <exception cref="ArgumentException">The option has neither.</exception>
    public double Number(string name) => OptionalNumber(name) ?? throw Missing(name);

    /// <summary>A Number option's value or default, or null.</summary>
    public double? OptionalNumber(string name) => Value(name) is { } value ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>A Flag option's value, else its default, else off.</summary>
    public bool Flag(string name) => OptionalFlag(name) ?? false;

    /// <summary>A Flag option's value or default, or null when it is unset.</summary>
    public bool? OptionalFlag(string name) => (bool?)Value(name);

    /// <summary>A repeatable option's values, else its default, else none.</summary>
    public IReadOnlyList<string> Texts(string name) => Value(name) switch
    {
        null => [],
        IEnumerable<object> values => values.Cast<string>().ToArray(),
        var single => [(string)single],
    };

    private object? Value(string name)
    {
        var spec = Spec(name);
        return _given.TryGetValue(spec.Name, out var value) ? value : spec.Default;
    }

    private OptionSpec Spec(string name) =>
        _specs.TryGetValue(name, out var spec) ? spec : throw new ArgumentException($"{name} is not one of these options", nameof(name));

    private static ArgumentException Missing(string name) => new($"{name} has no value and no default", nameof(name));

    private static OptionSpec Find(IReadOnlyList<OptionSpec> specs, string name) =>
        specs.FirstOrDefault(spec => spec.Name == name)
        ?? throw new EsrInputException($"unknown option '{name}' (expected one of {string.Join(", ", specs.Select(spec => spec.Name))})");
}
