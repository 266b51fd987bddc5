using System.Text.RegularExpressions;
using Esr.Magics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Notebooks.Tests;

/// <summary>
/// Checks a cell's <c>#!esr</c> lines against the magics' own grammar without running them: a composite kernel with
/// the magics installed parses each line (.NET Interactive's parser, which builds the subcommand's command object), and
/// the options written on it must be among those the subcommand declares. The second check is needed because this
/// .NET Interactive release drops an undeclared option of a subcommand silently (the magics refuse it when they run).
/// </summary>
internal sealed partial class EsrLineCheck : IDisposable
{
    private readonly CompositeKernel _kernel = new() { new CSharpKernel() };
    private readonly KernelActionDirective _esr;

    public EsrLineCheck()
    {
        _kernel.DefaultKernelName = "csharp";
        EsrMagics.Install(_kernel);
        _esr = _kernel.KernelInfo.SupportedDirectives.OfType<KernelActionDirective>().Single(directive => directive.Name == EsrMagics.DirectiveName);
    }

    /// <summary>What is wrong with the <c>#!esr</c> lines of <paramref name="cell"/>; empty when every one parses.</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(string cell)
    {
        var problems = new List<string>();
        foreach (var line in cell.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith(EsrMagics.DirectiveName, StringComparison.Ordinal)))
        {
            var parsed = _kernel.SubmissionParser.ParseDirectiveLine(line);
            problems.AddRange(parsed.Errors.Select(error => $"{line}: {error}"));
            // A value taken from a C# variable (@csharp:name) is bound when the cell runs; any literal stands in for it.
            var commands = await _kernel.SubmissionParser.SplitSubmission(new SubmitCode(ValueToken().Replace(line, "0")));
            var subcommand = commands.Count == 1 ? _esr.Subcommands.SingleOrDefault(directive => directive.KernelCommandType == commands[0].GetType()) : null;
            if (subcommand is null)
            {
                problems.Add($"{line}: names no #!esr subcommand (expected one of {string.Join(", ", _esr.Subcommands.Select(directive => directive.Name))})");
                continue;
            }
            var declared = subcommand.Parameters.Select(parameter => parameter.Name).ToHashSet(StringComparer.Ordinal);
            problems.AddRange(Words(line).Where(word => word.StartsWith("--", StringComparison.Ordinal) && !declared.Contains(word))
                .Select(option => $"{line}: #!esr {subcommand.Name} has no option {option}"));
        }
        return problems;
    }

    public void Dispose() => _kernel.Dispose();

    // The line's words, split at whitespace outside double quotes, so that a quoted prompt holding "--" is one word.
    private static IEnumerable<string> Words(string line) => WordPattern().Matches(line).Select(match => match.Value);

    [GeneratedRegex("\"[^\"]*\"|\\S+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"@[A-Za-z#]+:[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex ValueToken();
}
