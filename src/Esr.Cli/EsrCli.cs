using System.CommandLine;
using System.CommandLine.Invocation;

namespace Esr.Cli;

/// <summary>
/// The <c>esr</c> command tree and its error discipline: results only on <c>output</c>; on any failure nothing
/// more there, exactly one line on <c>error</c>, and a non-zero exit status. Callable in-process by tests.
/// </summary>
public static class EsrCli
{
    /// <summary>Set to 1 to get the full exception on stderr instead of the one-line message (for developers).</summary>
    public const string DebugVariable = "ESR_DEBUG";

    // No response files: "@text" is an ordinary value here (a prompt may well start with "@").
    private static readonly ParserConfiguration ParserConfiguration = new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses and runs one command line.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Where results (and --help) go.</param>
    /// <param name="error">Where the one error line goes.</param>
    /// <param name="cancellationToken">Cancels a running generation.</param>
    /// <returns>The exit status (see <see cref="ExitCodes"/>).</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            var parse = CreateRootCommand(output).Parse(args, ParserConfiguration);
            if (parse.Action is ParseErrorAction)
            {
                // The library's own error action would add a help text on stdout; one line on stderr is the contract.
                error.WriteLine($"esr: {ErrorMessages.OneLine(parse.Errors[0].Message)}");
                return ExitCodes.Usage;
            }
            // Interrupts arrive through cancellationToken (see Program); the library's own signal handling is off.
            var configuration = new InvocationConfiguration
            {
                Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("esr: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception failure)
        {
            error.WriteLine(Environment.GetEnvironmentVariable(DebugVariable) == "1" ? failure.ToString() : $"esr: {ErrorMessages.For(failure)}");
            return ExitCodes.Failure;
        }
        finally
        {
            output.Flush();
            error.Flush();
        }
    }

    /// <summary>The command tree; every action writes its results to <paramref name="output"/>.</summary>
    public static RootCommand CreateRootCommand(TextWriter output) =>
        new("ESR Workbench: run Llama-3 / Gemma-2 checkpoints, steer them with vectors, inspect tokens and logits. "
            + "Results go to stdout; on bad input the exit status is non-zero, stdout is empty and stderr holds one line.")
        {
            TokenizeCommand.Create(output),
            ChatTemplateCommand.Create(output),
            LogitsCommand.Create(output),
            GenerateCommand.Create(output),
            LatentsCommand.Create(output),
            RandomModelCommand.Create(output),
            BenchCommand.Create(output),
            JudgeCommand.Create(output),
            FigureCommand.Create(output),
            ExperimentCommand.Create(output),
            ToyCommand.Create(output),
            RunCommand.Create(output),
        };
}
