using System.CommandLine;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;

namespace Esr.Cli;

/// <summary><c>esr experiment export --run DIR --format paper --out DIR</c>: the paper's result JSON, one file per condition.</summary>
internal static class ExperimentExportCommand
{
    public static Command Create(TextWriter output)
    {
        var run = new Option<string>("--run") { Description = "The run folder", HelpName = "dir", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "The output format", HelpName = "paper", DefaultValueFactory = _ => "paper",
            CustomParser = result => result.Tokens.Count == 0 || result.Tokens[^1].Value == "paper"
                ? "paper"
                : Fail(result, $"--format must be paper, not '{result.Tokens[^1].Value}'"),
        };
        var outDirectory = new Option<string>("--out") { Description = "Folder for the result files", HelpName = "dir", Required = true };
        var command = new Command("export", "Write a run as the paper's result JSON files (ESR_SPEC §5); prints their paths") { run, format, outDirectory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetRequiredValue(run);
            if (!RunStore.Exists(folder)) throw new EsrInputException($"--run '{folder}' is not a run folder (no {RunStore.ManifestFile})");
            foreach (var path in await PaperExport.WriteAsync(new RunStore(folder), parse.GetRequiredValue(outDirectory), cancellationToken)) output.WriteLine(path);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return "";
    }
}
