using System.CommandLine;
using Esr.Kernel;

namespace Esr.Cli;

/// <summary>
/// <c>esr experiment</c>: one subcommand per experiment of the kernel's catalog (<see cref="Workbench.Experiments"/>),
/// generated from its options, plus <c>merge</c> and <c>export</c>. A subcommand parses, runs the experiment with
/// progress on stderr, and prints its one-line report.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("experiment", "Run, resume, shard, merge and export the paper's experiments (docs/EXPERIMENTS.md)");
        foreach (var experiment in Workbench.Experiments.All) command.Subcommands.Add(Subcommand(experiment, output));
        command.Subcommands.Add(ExperimentMergeCommand.Create(output));
        command.Subcommands.Add(ExperimentExportCommand.Create(output));
        return command;
    }

    private static Command Subcommand(ExperimentDefinition experiment, TextWriter output)
    {
        var options = new SpecOptions(experiment.Options);
        var command = new Command(experiment.Id, experiment.Description);
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = await experiment.RunAsync(options.Values(parse), new StderrProgress(), cancellationToken);
            output.WriteLine(result.Report);
            return ExitCodes.Success;
        });
        return command;
    }
}
