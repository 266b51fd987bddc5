namespace Esr.Kernel.Experiments.Runs;

/// <summary>The trials a <c>--from-results</c> source holds: one of our run folders, or one of the paper's result files.</summary>
public static class SourceResults
{
    /// <summary>Reads a run folder's trials or a paper JSON file's trials.</summary>
    /// <exception cref="FileNotFoundException">Neither exists; the message names the path.</exception>
    public static IReadOnlyList<TrialRecord> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            if (!RunStore.Exists(path)) throw new FileNotFoundException($"--from-results {path}: the folder holds no run ({RunStore.TrialsFile})", path);
            return new RunStore(path).ReadTrials();
        }
        if (File.Exists(path)) return PaperResultFile.Read(path).Trials;
        throw new FileNotFoundException($"--from-results {path}: no such run folder or result file", path);
    }
}
