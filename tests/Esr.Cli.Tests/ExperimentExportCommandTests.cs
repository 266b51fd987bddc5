using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Cli.Tests;

public sealed class ExperimentExportCommandTests : IDisposable
{
    private readonly TemporaryDirectory folder = new();

    private string directory => folder.Path;

    public void Dispose() => folder.Dispose();

    private static TrialRecord Trial(string model, string condition) =>
        new(Guid.NewGuid().ToString("N"), 10, model, condition, 3, "label", "Explain how.", 10, 10, 1, "an answer",
            new JudgeVerdict([new Attempt("text", 40)], "{}", null), null);

    // A run whose manifest names the model, and whose trials name the conditions, with path fragments in them.
    private async Task<string> WriteHostileRunAsync(string model, params string[] conditions)
    {
        var store = new RunStore(Path.Combine(directory, "run"));
        await store.StartOrResumeAsync(new RunManifest("10", "1.0", 5, model, "sha256:aa", "sha256:bb", "scripted", null,
            ExperimentSettings.ForExperiment("10").ToJson(), new Dictionary<string, string>()) { CreatedUtc = DateTimeOffset.UnixEpoch });
        await store.AppendAsync(conditions.Select(c => Trial(model, c)).ToArray());
        return store.Directory;
    }

    [Fact]
    public async Task Export_keeps_every_file_inside_out_whatever_the_model_name_and_condition_keys_hold()
    {
        var run = await WriteHostileRunAsync("../../../escaped", "random_ablation_set0", "../../../gone/x");
        var outDirectory = Path.Combine(directory, "deep", "er", "out");

        var export = await CliRun.InProcessAsync("experiment", "export", "--run", run, "--out", outDirectory);

        Assert.Equal((0, ""), (export.ExitCode, export.Stderr));
        var written = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, written.Length);
        Assert.All(written, path => Assert.Equal(Path.GetFullPath(outDirectory), Path.GetDirectoryName(Path.GetFullPath(path))));
        Assert.Equal(written.Order(StringComparer.Ordinal), Directory.GetFiles(outDirectory).Order(StringComparer.Ordinal));
        // Nothing landed next to the output folder or above it.
        Assert.Equal([Path.Combine(directory, "deep"), Path.Combine(directory, "run")], Directory.GetFileSystemEntries(directory).Order(StringComparer.Ordinal));
        Assert.Equal([outDirectory], Directory.GetFileSystemEntries(Path.Combine(directory, "deep", "er")));
        Assert.All(written, path => Assert.StartsWith("experiment_results_.._.._.._escaped_", Path.GetFileName(path)));
    }
}
