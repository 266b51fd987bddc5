using Esr.Kernel;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using DiagnosticSeverity = Microsoft.CodeAnalysis.DiagnosticSeverity;

namespace Esr.Magics;

/// <summary>
/// One <c>#!esr</c> subcommand: the command its directive binds to (each option a string or flag property; .NET
/// Interactive fills them from the cell), its grammar, and what it does. Adding a subcommand is adding one class
/// deriving from this: <see cref="EsrMagics"/> finds them all.
/// </summary>
public abstract class EsrCommand : KernelDirectiveCommand
{
    /// <summary>The subcommand's name, e.g. "load".</summary>
    internal abstract string DirectiveName { get; }

    /// <summary>The grammar in one line, e.g. "load &lt;model&gt; [--dtype float32|bfloat16]".</summary>
    internal abstract string Usage { get; }

    /// <summary>What it does, in one sentence.</summary>
    internal abstract string Summary { get; }

    /// <summary>Where it stands in the help: lower first.</summary>
    internal abstract int Order { get; }

    /// <summary>The directive's parameters; completions may read the session's loaded model when asked.</summary>
    internal abstract IEnumerable<KernelDirectiveParameter> Parameters(EsrSession session);

    /// <summary>The lines <c>#!esr help &lt;subcommand&gt;</c> shows for the options: by default one per parameter.</summary>
    internal virtual IEnumerable<string> OptionHelp(EsrSession session) =>
        Parameters(session).Select(parameter =>
            $"{(parameter.AllowImplicitName ? $"<{parameter.Name.TrimStart('-')}>" : parameter.Flag ? parameter.Name : $"{parameter.Name} <value>")}: {parameter.Description}");

    /// <summary>Does the work. Bad input is an <see cref="EsrInputException"/>, shown as one diagnostic line.</summary>
    internal abstract Task RunAsync(EsrSession session, KernelInvocationContext context);

    /// <summary>The subcommand's directive, bound to this command type.</summary>
    internal KernelActionDirective Directive(EsrSession session) => new(DirectiveName)
    {
        Description = Summary,
        Parameters = Parameters(session).ToArray(),
        KernelCommandType = GetType(),
    };

    /// <summary>
    /// Runs the subcommand; a bad input becomes a diagnostic and a failed command with one line naming the option, and
    /// the kernel goes on. Cancellation and bugs propagate as .NET Interactive reports them.
    /// </summary>
    internal async Task InvokeAsync(EsrSession session, KernelInvocationContext context)
    {
        try
        {
            if (Cell() is { } cell && UnknownOptions.Option(cell, this, session) is { } unknown) throw new EsrInputException(unknown);
            await RunAsync(session, context);
        }
        catch (EsrInputException error)
        {
            Fail(context, $"#!esr {DirectiveName}: {OneLine(error.Message)}");
        }
    }

    /// <summary>Reports <paramref name="message"/> as an error diagnostic and fails the command, as .NET Interactive does for its own directive errors.</summary>
    internal static void Fail(KernelInvocationContext context, string message)
    {
        context.Publish(new DiagnosticsProduced(
            [new Diagnostic(new LinePositionSpan(new LinePosition(0, 0), new LinePosition(0, 0)), DiagnosticSeverity.Error, "ESR", message)],
            [new FormattedValue(PlainTextFormatter.MimeType, message)], context.Command));
        context.Fail(context.Command, message: message);
    }

    /// <summary>Displays <paramref name="value"/> as HTML with its plain-text fallback.</summary>
    internal static DisplayedValue Show(KernelInvocationContext context, object value) =>
        KernelInvocationContextExtensions.Display(context, value, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);

    /// <summary>
    /// This subcommand's line of the cell it came from (<c>#!esr &lt;subcommand&gt; ...</c>), or null when it was sent
    /// from code: for subcommands that hand the typed tokens on to a catalog's parser.
    /// </summary>
    internal string? DirectiveLine() =>
        Cell()?.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => UnknownOptions.Words(line) is [EsrMagics.DirectiveName, var name, ..] && name == DirectiveName);

    /// <summary>The text of the cell this command came from, or null when it was sent from code.</summary>
    private string? Cell()
    {
        for (var command = Parent; command is not null; command = command.Parent)
            if (command is SubmitCode submit) return submit.Code;
        return null;
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
