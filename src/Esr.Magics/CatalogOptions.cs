using Esr.Kernel.Options;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary>
/// The catalogs' <see cref="OptionSpec"/>s as directive parameters, and the cell's tokens handed back to the catalog's
/// own parser (<see cref="Esr.Kernel.Options.OptionValues.Parse"/>), which knows which options each experiment or
/// figure takes, lists repeated and <c>--flag false</c> values, and checks bounds with the CLI's messages.
/// </summary>
internal static class CatalogOptions
{
    /// <summary>One parameter per option name (the first spec of a name describes it); flags as flags, choices completed.</summary>
    public static IEnumerable<KernelDirectiveParameter> Parameters(IEnumerable<OptionSpec> specs) =>
        specs.DistinctBy(spec => spec.Name).Select(spec =>
        {
            var parameter = new KernelDirectiveParameter(spec.Name, spec.Description) { Flag = spec.Kind == OptionKind.Flag };
            return spec.Choices.Count > 0 ? parameter.WithValues([.. spec.Choices]) : parameter;
        });

    /// <summary>
    /// The option tokens of the directive <c>#!esr &lt;subcommand&gt; &lt;id&gt; ...</c>, quotes removed, without the
    /// id and the magic's own options (<paramref name="own"/>, each with its value).
    /// </summary>
    public static IReadOnlyList<string> Tokens(string directive, string subcommand, IReadOnlyList<string> own)
    {
        var words = UnknownOptions.Words(directive.Trim()).Select(Unquote).ToList();
        var start = words.IndexOf(subcommand);
        var tokens = new List<string>();
        // The id follows the subcommand unless it is given as --id, which is skipped with the magic's own options.
        var first = start + 1 < words.Count && words[start + 1].StartsWith("--", StringComparison.Ordinal) ? start + 1 : start + 2;
        for (var i = first; i < words.Count; i++)
        {
            if (own.Contains(words[i])) { i++; continue; }
            tokens.Add(words[i]);
        }
        return tokens;
    }

    private static string Unquote(string word) =>
        word.Length >= 2 && word[0] == '"' && word[^1] == '"' ? word[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : word;
}
