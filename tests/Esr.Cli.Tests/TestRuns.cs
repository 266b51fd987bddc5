using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;

namespace Esr.Cli.Tests;

/// <summary>Run folders as the experiment runner writes them, for commands that read runs.</summary>
internal static class TestRuns
{
    private static RunManifest Manifest(string model) =>
        new("1", "1.0", 5, model, "sha256:aa", "sha256:bb", "scripted", null, new ExperimentSettings { Model = model }.ToJson(),
            new Dictionary<string, string>()) { CreatedUtc = DateTimeOffset.UnixEpoch };

    /// <summary>Writes the manifest first, then appends the trials through the store; returns the run folder.</summary>
    public static async Task<string> WriteAsync(string folder, params TrialRecord[] trials)
    {
        var store = new RunStore(folder);
        await store.StartOrResumeAsync(Manifest(trials[0].Model));
        await store.AppendAsync(trials);
        return store.Directory;
    }
}
