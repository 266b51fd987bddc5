using System.Globalization;
using System.Text.RegularExpressions;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Tests.Toy;
using Esr.Kernel.Tests.Models;

namespace Esr.Cli.Tests;

/// <summary><c>esr toy detectors</c> on a run of toy-s-sa60 trials written from the toy world's sentences.</summary>
public sealed class ToyDetectorsCommandTests : IDisposable
{
    private readonly TemporaryDirectory folder = new();

    private string directory => folder.Path;

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Toy_detectors_prints_one_line_with_the_detectors_and_writes_the_file_experiment_3_ablates()
    {
        var run = await TestRuns.WriteAsync(Path.Combine(directory, "run"), ToyDetectorTrials.All());
        var file = Path.Combine(directory, "detectors.json");

        var result = await CliRun.InProcessAsync("toy", "detectors", "--model", "toy-s-sa60", "--from-results", run, "--out", file,
            "--min-auc", "0", "--max-detectors", "2"); // the two most separating latents, whatever the zoo

        Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var match = Regex.Match(line, @"^2 off-topic detectors \(AUC >= 0\) over 2 steered trials, (\d+) off-topic and (\d+) on-task tokens: \[(\d+) \(\d\.\d{3}\), (\d+) \(\d\.\d{3}\)\]; wrote (.+)$");
        Assert.True(match.Success, line);
        Assert.Equal($"{ToyDetectorTrials.OffTopicTokens} {ToyDetectorTrials.OnTaskTokens}", $"{match.Groups[1]} {match.Groups[2]}");
        Assert.Equal([int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture)], OffTopicDetectorSets.Read(file));
        Assert.Equal(file, match.Groups[5].Value);
    }

    [Fact]
    public async Task Toy_detectors_on_a_folder_without_a_run_is_one_error_line_naming_it()
    {
        var result = await CliRun.InProcessAsync("toy", "detectors", "--model", "toy-s-sa60", "--from-results", directory, "--out", Path.Combine(directory, "d.json"));

        Assert.Equal((ExitCodes.Failure, ""), (result.ExitCode, result.Stdout));
        Assert.Equal($"esr: --from-results {directory}: the folder holds no run (trials.jsonl)", Assert.Single(result.StderrLines));
    }
}
