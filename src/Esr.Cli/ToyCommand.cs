using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Esr.Kernel.Toy;
using static TorchSharp.torch;

namespace Esr.Cli;

/// <summary>
/// <c>esr toy build</c> rebuilds the toy zoo (models, SAEs, labels, zoo.json) deterministically;
/// <c>esr toy list</c> prints one line per model of a zoo.
/// </summary>
internal static class ToyCommand
{
    public static Command Create(TextWriter output)
    {
        var outFolder = new Option<string>("--out") { Description = "Zoo folder to write (model folders in it are replaced)", HelpName = "dir", DefaultValueFactory = _ => ToyZoo.RepositoryFolder };
        var threads = CliOptions.Integer("--threads", 1, "libtorch threads; the files are reproducible for a fixed count (1 is also fastest on a shared machine)", minimum: 1);
        var build = new Command("build", "Train the toy zoo from nothing: base models of three sizes, SAEs with labels, self-correction and steering-aware fine-tunes")
        {
            outFolder, threads,
        };
        build.SetAction((parse, cancellationToken) =>
        {
            var folder = parse.GetValue(outFolder)!;
            if (File.Exists(folder)) throw new CliInputException($"--out '{folder}' is a file; expected a folder");
            set_num_threads(parse.GetValue(threads));
            var watch = Stopwatch.StartNew();
            var log = new Progress(line => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{watch.Elapsed:mm\\:ss}] {line}")));
            var entries = new ToyZooBuilder(ToyZooSettings.Default).Build(folder, log, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built {entries.Count} models into {folder} in {watch.Elapsed.TotalMinutes:F1} min on {parse.GetValue(threads)} thread(s)"));
            return Task.FromResult(ExitCodes.Success);
        });

        var zoo = new Option<string>("--zoo") { Description = $"Zoo folder (default: ${ToyZoo.Variable}, else toy/zoo found from the app or current folder)", HelpName = "dir" };
        var list = new Command("list", "One line per model of the toy zoo: name, size, parameters, ratio, steering-aware, SAE statistics") { zoo };
        list.SetAction(parse =>
        {
            var folder = parse.GetValue(zoo) ?? ToyZoo.Locate();
            foreach (var entry in ToyZoo.Read(folder))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{entry.Name,-14} size {entry.Size}  params {entry.Parameters,9:N0}  ratio {entry.Ratio * 100,3:F0}%  steering-aware {(entry.SteeringAware ? "yes" : "no "),-3}  "
                    + $"SAE blocks.{entry.SaeBlock}.resid_post FVU {entry.Sae.FractionOfVarianceUnexplained:F3} L0 {entry.Sae.MeanL0:F1} dead {entry.Sae.DeadLatents}  subject latents {entry.SubjectLatents.Count}"));
            }
            return ExitCodes.Success;
        });
        return new Command("toy", "The built-in toy world: build or list its zoo of models") { build, list };
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
