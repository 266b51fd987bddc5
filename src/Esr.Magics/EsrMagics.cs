using System.Reflection;
using Esr.Magics.Formatting;
using Microsoft.DotNet.Interactive;
using InteractiveKernel = Microsoft.DotNet.Interactive.Kernel;
using Microsoft.DotNet.Interactive.Directives;

namespace Esr.Magics;

/// <summary>Installs the <c>#!esr</c> magic commands and the formatters of the kernel's types into a kernel.</summary>
public static class EsrMagics
{
    /// <summary>The parent directive's name.</summary>
    public const string DirectiveName = "#!esr";

    /// <summary>
    /// Adds <c>#!esr</c> with every subcommand (each <see cref="EsrCommand"/> of this assembly) to
    /// <paramref name="kernel"/> (in a notebook host, the composite kernel, so every language's cells can use it), and
    /// registers the HTML and text formatters. The session lives as long as the kernel.
    /// </summary>
    public static EsrSession Install(InteractiveKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        EsrFormatters.Register();
        var commands = typeof(EsrCommand).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(EsrCommand)) && !type.IsAbstract)
            .Select(type => (EsrCommand)Activator.CreateInstance(type)!)
            .OrderBy(command => command.Order)
            .ToArray();
        var session = new EsrSession(commands);
        var esr = new KernelActionDirective(DirectiveName)
        {
            Description = "ESR Workbench: load a model, generate and steer, read latents, judge (#!esr help)",
            Subcommands = commands.Select(command => command.Directive(session)).ToArray(),
        };
        kernel.AddDirective(esr, (command, context) =>
        {
            // A bare #!esr shows the help; .NET Interactive also lands here for a word that names no subcommand.
            if (UnknownOptions.Subcommand(command.ToString() ?? "", session) is { } unknown)
                EsrCommand.Fail(context, $"{DirectiveName}: no subcommand '{unknown}' (expected one of {string.Join(", ", commands.Select(c => c.DirectiveName))}; #!esr help)");
            else
                KernelInvocationContextExtensions.DisplayAs(context, EsrHelp.Text(session, null), "text/plain");
            return Task.CompletedTask;
        });
        var register = typeof(EsrMagics).GetMethod(nameof(RegisterHandler), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var command in commands) register.MakeGenericMethod(command.GetType()).Invoke(null, [kernel, session]);
        kernel.RegisterForDisposal(session);
        return session;
    }

    private static void RegisterHandler<TCommand>(InteractiveKernel kernel, EsrSession session) where TCommand : EsrCommand =>
        kernel.RegisterCommandHandler<TCommand>((command, context) => command.InvokeAsync(session, context));
}
