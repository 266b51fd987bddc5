using System.CommandLine;
using System.CommandLine.Parsing;
using Esr.Kernel.Options;

namespace Esr.Cli;

/// <summary>
/// A command's options generated from the kernel's <see cref="OptionSpec"/>s: each becomes a System.CommandLine option
/// with the spec's name, help, default and checks (a bad value is a usage error with the spec's own message), and the
/// parse result goes back to the kernel as <see cref="OptionValues"/> holding the options given.
/// </summary>
internal sealed class SpecOptions
{
    private readonly IReadOnlyList<OptionSpec> _specs;
    private readonly List<(OptionSpec Spec, Option Option, Func<ParseResult, object?> Read)> _options;

    public SpecOptions(IReadOnlyList<OptionSpec> specs)
    {
        _specs = specs;
        _options = specs.Select(spec =>
        {
            var (option, read) = Create(spec);
            return (spec, option, read);
        }).ToList();
    }

    /// <summary>The generated options, in the specs' order.</summary>
    public IEnumerable<Option> All => _options.Select(o => o.Option);

    /// <summary>The values of the options the command line gave (defaults stay the kernel's).</summary>
    public OptionValues Values(ParseResult parse) => OptionValues.From(_specs, _options
        .Where(o => parse.GetResult(o.Option) is { Implicit: false })
        .Select(o => new KeyValuePair<string, object?>(o.Spec.Name, o.Read(parse))));

    private static (Option, Func<ParseResult, object?>) Create(OptionSpec spec)
    {
        if (spec.Repeatable)
        {
            var list = new Option<string[]>(spec.Name)
            {
                Description = spec.Description, HelpName = spec.HelpName, Required = spec.Required,
                Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
            };
            if (spec.Default is IEnumerable<string> values) list.DefaultValueFactory = _ => [.. values];
            return (list, parse => parse.GetValue(list));
        }
        return spec.Kind switch
        {
            OptionKind.Integer when spec.Default is int value => Typed(spec, value),
            OptionKind.Integer => Typed<int?>(spec, null),
            OptionKind.Number when spec.Default is double value => Typed(spec, value),
            OptionKind.Number => Typed<double?>(spec, null),
            // The library reads "--flag", "--flag true" and "--flag false" itself.
            OptionKind.Flag when spec.Default is bool => Plain(new Option<bool>(spec.Name), spec),
            OptionKind.Flag => Plain(new Option<bool?>(spec.Name), spec),
            _ => Typed(spec, spec.Default as string),
        };
    }

    private static (Option, Func<ParseResult, object?>) Typed<T>(OptionSpec spec, T fallback)
    {
        var option = new Option<T>(spec.Name) { CustomParser = result => Parse(result, spec, fallback) };
        if (spec.Default is not null) option.DefaultValueFactory = _ => fallback;
        return Plain(option, spec);
    }

    private static (Option, Func<ParseResult, object?>) Plain<T>(Option<T> option, OptionSpec spec)
    {
        option.Description = spec.Description;
        option.HelpName = spec.HelpName;
        option.Required = spec.Required;
        return (option, parse => parse.GetValue(option));
    }

    // The kernel checks the value; its message becomes the usage error (the parser runs once per occurrence group, and a
    // repeated single-valued option is reported by the library).
    private static T Parse<T>(ArgumentResult result, OptionSpec spec, T fallback)
    {
        if (result.Tokens.Count == 0) return fallback;
        try
        {
            return (T)spec.Parse(result.Tokens[^1].Value);
        }
        catch (EsrInputException error)
        {
            result.AddError(error.Message);
            return fallback;
        }
    }
}
