using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Esr.Cli;

/// <summary>
/// Builders for the options several commands share. Values are parsed with the invariant culture and checked at
/// parse time, so a malformed value is a usage error with one message naming the option.
/// </summary>
internal static class CliOptions
{
    /// <summary><c>--model NAME</c>: what <see cref="Workbench.Load"/> takes.</summary>
    public static Option<string> Model() => new("--model")
    {
        Description = "The model: a Hugging Face model directory (config.json, weights, tokenizer files), a toy model name (e.g. toy-m-sa60), "
            + "a paper short name (e.g. llama-3.1-8b) or a Hugging Face id (org/name), the last two from the local Hugging Face cache",
        HelpName = "dir|name",
        Required = true,
    };

    /// <summary><c>--model DIR</c>: a Hugging Face model directory (the experiment commands, which load by path).</summary>
    public static Option<string> ModelDirectory() => new("--model")
    {
        Description = "Hugging Face model directory (config.json, model.safetensors or shards, tokenizer files)",
        HelpName = "dir",
        Required = true,
    };

    /// <summary><c>--dtype float32|bfloat16</c>, float32 by default; the value is the name.</summary>
    public static Option<string> Dtype() => new("--dtype")
    {
        Description = "Weights and activations dtype",
        HelpName = "float32|bfloat16",
        DefaultValueFactory = _ => "float32",
        CustomParser = result => Single(result) switch
        {
            null => "float32",
            "float32" => "float32",
            "bfloat16" => "bfloat16",
            var other => Fail<string>(result, $"--dtype must be float32 or bfloat16, not '{other}'"),
        },
    };

    /// <summary><c>--device cpu|cuda|cuda:N</c>, cpu by default; the kernel checks the value and the machine at load.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = "Where the model computes: cpu, cuda (the first GPU) or cuda:N; a GPU needs the CUDA build (docs/GPU.md)",
        HelpName = "cpu|cuda|cuda:N",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary><c>--paper-extra-header</c>.</summary>
    public static Option<bool> PaperExtraHeader() => new("--paper-extra-header")
    {
        Description = "Llama only: append the paper's extra <|begin_of_text|><|start_header_id|>assistant<|end_header_id|> "
            + "after the generation prompt (ESR_SPEC §1.5 quirk; off by default, on for a Llama paper name; --paper-extra-header false turns it off)",
    };

    /// <summary>A flag's value when it was given (<c>--flag</c> or <c>--flag false</c>), else null: the kernel's default then applies.</summary>
    public static bool? GivenFlag(ParseResult parse, Option<bool> flag) => parse.GetResult(flag) is { Implicit: false } ? parse.GetValue(flag) : null;


    /// <summary><c>--steer-vector L:FILE</c>, repeatable.</summary>
    public static Option<string[]> SteerVectors() => new("--steer-vector")
    {
        Description = "Add the float32 vector in a .npy file (shape [d_model]) to blocks.L.resid_post at every position; repeatable, vectors add",
        HelpName = "L:file.npy",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>A floating-point option whose value must satisfy <paramref name="valid"/>.</summary>
    public static Option<double> Number(string name, double defaultValue, string description, Func<double, bool> valid, string rule) => new(name)
    {
        Description = description,
        HelpName = "number",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, valid, rule) ?? defaultValue,
    };

    /// <summary>A floating-point option without a default (null when absent) whose value must satisfy <paramref name="valid"/>.</summary>
    public static Option<double?> OptionalNumber(string name, string description, Func<double, bool> valid, string rule) => new(name)
    {
        Description = description,
        HelpName = "number",
        CustomParser = result => ParseNumber(result, name, valid, rule),
    };

    private static double? ParseNumber(ArgumentResult result, string name, Func<double, bool> valid, string rule)
    {
        if (Single(result) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return Fail<double>(result, $"{name} must be a number, not '{text}'");
        return valid(value) ? value : Fail<double>(result, $"{name} must be {rule}, not {text}");
    }

    /// <summary>An integer option whose value must lie in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static Option<int> Integer(string name, int defaultValue, string description, int minimum = int.MinValue, int maximum = int.MaxValue) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseInteger(result, name, minimum, maximum) ?? defaultValue,
    };

    /// <summary>An integer option with no default (null when absent) whose value must be at least <paramref name="minimum"/>.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int minimum, string helpName = "n") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => ParseInteger(result, name, minimum, int.MaxValue),
    };

    private static int? ParseInteger(ArgumentResult result, string name, int minimum, int maximum)
    {
        if (Single(result) is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return Fail<int>(result, $"{name} must be an integer, not '{text}'");
        if (value < minimum) return Fail<int>(result, $"{name} must be at least {minimum}, not {text}");
        if (value > maximum) return Fail<int>(result, $"{name} must be at most {maximum}, not {text}");
        return value;
    }

    // The parser runs once per option occurrence group; a repeated single-valued option is reported by the library.
    private static string? Single(ArgumentResult result) => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;

    private static T Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    /// <summary>An option naming a file that replaces the judge's prompt texts (<c>esr judge</c>'s, the experiments').</summary>
    public static Option<string?> JudgePromptFile(string option = JudgeFactory.PromptFileOption) => new(option)
    {
        Description = "A JSON file {\"system\": ..., \"instructions\": ...} replacing the built-in judge prompt",
        HelpName = "file.json",
    };
}
