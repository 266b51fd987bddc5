using System.CommandLine;

namespace Esr.Cli;

/// <summary><c>esr experiment</c>: one subcommand per registered experiment, plus <c>merge</c> and <c>export</c>.</summary>
internal static class ExperimentCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("experiment", "Run, resume, shard, merge and export the paper's experiments (docs/EXPERIMENTS.md)");
        foreach (var driver in ExperimentDrivers.All) command.Subcommands.Add(driver.Create(output));
        command.Subcommands.Add(ExperimentMergeCommand.Create(output));
        command.Subcommands.Add(ExperimentExportCommand.Create(output));
        return command;
    }
}
