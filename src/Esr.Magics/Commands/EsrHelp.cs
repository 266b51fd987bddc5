using System.Text;
using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary><c>#!esr help [&lt;subcommand&gt;]</c>: the grammar (.NET Interactive has no --help for directives).</summary>
public sealed class EsrHelp : EsrCommand
{
    /// <summary>The subcommand to explain; null for all.</summary>
    public string? Subcommand { get; set; }

    internal override string DirectiveName => "help";

    internal override string Usage => "help [<subcommand>]";

    internal override string Summary => "Shows this usage, or one subcommand's options.";

    internal override int Order => 100;

    internal override IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session) =>
    [
        new KernelDirectiveParameter("--subcommand", "The subcommand to explain") { AllowImplicitName = true }
            .WithValues([.. session.Commands.Select(command => command.DirectiveName)]),
    ];

    internal override Task RunAsync(EsrSession session, KernelInvocationContext context)
    {
        KernelInvocationContextExtensions.DisplayAs(context, Text(session, Subcommand), "text/plain");
        return Task.CompletedTask;
    }

    /// <summary>The usage of every subcommand, or of one with its options.</summary>
    /// <exception cref="EsrInputException">An unknown subcommand.</exception>
    internal static string Text(EsrSession session, string? subcommand)
    {
        var text = new StringBuilder();
        if (subcommand is null)
        {
            text.AppendLine("#!esr: ESR Workbench magic commands (the same API from C#: using Esr.Kernel;)");
            foreach (var command in session.Commands) text.AppendLine($"  #!esr {command.Usage}").AppendLine($"      {command.Summary}");
            text.Append("#!esr help <subcommand> lists a subcommand's options.");
            return text.ToString();
        }
        var chosen = session.Commands.FirstOrDefault(command => command.DirectiveName == subcommand);
        if (chosen is null)
            throw new EsrInputException($"no subcommand '{subcommand}' (expected one of {string.Join(", ", session.Commands.Select(command => command.DirectiveName))})");
        text.AppendLine($"#!esr {chosen.Usage}").AppendLine(chosen.Summary);
        foreach (var line in chosen.OptionHelp(session)) text.AppendLine($"  {line}");
        return text.ToString().TrimEnd();
    }
}
