using Esr.Kernel.Results;

namespace Esr.Kernel.Analysis.Figures;

/// <summary>
/// Finds and reads the trials the trial-based figures plot (<see cref="TrialFigure"/>, <c>esr figure</c>): run
/// folders (<see cref="RunStore"/>: <c>trials.jsonl</c> plus <c>manifest.json</c>) and the paper's result JSON files
/// (ESR_SPEC §5, <see cref="PaperResultFile"/>), both read by <see cref="SourceResults.Load"/>. A path is a run
/// folder, a run's <c>trials.jsonl</c>, a paper <c>.json</c> file, or a folder searched below for run folders (read
/// whole, not entered) and <c>*.json</c> paper files. Errors name the paths as <c>--results</c>, the request field
/// they come from (<see cref="FigureRequest.Results"/>).
/// </summary>
public static class FigureTrialReader
{
    /// <summary>Every trial of every source, sources in path order and, inside a folder, in ordinal name order.</summary>
    /// <exception cref="EsrInputException">A path does not exist or names a file of another kind.</exception>
    /// <exception cref="InvalidDataException">A source is malformed; the message names file and line or field.</exception>
    public static IReadOnlyList<TrialRecord> Read(IEnumerable<string> paths, CancellationToken cancellationToken) =>
        ReadSources(paths, cancellationToken).SelectMany(s => s.Trials).ToList();

    /// <summary>Every source, in the order of <see cref="Read"/>, with its trials and threshold-cache statistics.</summary>
    /// <exception cref="EsrInputException">A path does not exist or names a file of another kind.</exception>
    /// <exception cref="InvalidDataException">A source is malformed; the message names file and line or field.</exception>
    public static IReadOnlyList<LoadedSource> ReadSources(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var sources = new List<LoadedSource>();
        // A run given twice (as its folder and its trials.jsonl, or inside two given folders) counts once.
        foreach (var source in paths.SelectMany(Sources).Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            sources.Add(SourceResults.Read(source));
        }
        return sources;
    }

    private static IEnumerable<string> Sources(string path)
    {
        if (File.Exists(path))
        {
            var full = Path.GetFullPath(path);
            if (Path.GetFileName(full) == RunStore.TrialsFile) return [Path.GetDirectoryName(full)!];
            if (Path.GetExtension(full).Equals(".json", StringComparison.OrdinalIgnoreCase)) return [full];
            throw new EsrInputException($"--results {path}: expected a run folder, its {RunStore.TrialsFile}, or a paper result .json file");
        }
        if (Directory.Exists(path)) return Walk(Path.GetFullPath(path));
        throw new EsrInputException($"--results: no such file or folder: {path}");
    }

    private static IEnumerable<string> Walk(string directory)
    {
        if (RunStore.Exists(directory)) return [directory];
        var files = Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal);
        var below = Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal).SelectMany(Walk);
        return files.Concat(below).ToList();
    }
}
