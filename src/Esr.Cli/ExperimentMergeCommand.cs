using System.CommandLine;
using System.Text.Json;
using Esr.Kernel.Results;

namespace Esr.Cli;

/// <summary><c>esr experiment merge --out DIR RUN...</c>: unites shard folders into one run folder (idempotent).</summary>
internal static class ExperimentMergeCommand
{
    public static Command Create(TextWriter output)
    {
        var runs = new Argument<string[]>("runs") { Description = "Run folders (shards or earlier merges)", Arity = ArgumentArity.OneOrMore };
        var outDirectory = new Option<string>("--out") { Description = "The merged run folder (may already hold a merge)", HelpName = "dir", Required = true };
        var command = new Command("merge", "Merge shard run folders into one; merging again changes nothing") { runs, outDirectory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var sources = parse.GetRequiredValue(runs);
            foreach (var source in sources)
                if (!RunStore.Exists(source)) throw new EsrInputException($"'{source}' is not a run folder (no {RunStore.ManifestFile})");
            var count = await RunMerger.MergeAsync(sources, parse.GetRequiredValue(outDirectory), cancellationToken);
            output.WriteLine(JsonSerializer.Serialize(new { @out = parse.GetRequiredValue(outDirectory), trials = count }));
            return ExitCodes.Success;
        });
        return command;
    }
}
