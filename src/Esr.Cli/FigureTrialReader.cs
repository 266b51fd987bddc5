using System.Text.Json;
using Esr.Kernel.Experiments;

namespace Esr.Cli;

/// <summary>
/// Reads the trials <c>esr figure</c> plots: JSONL files of <see cref="TrialRecord"/> (System.Text.Json web
/// defaults), given as files or as folders searched for *.jsonl. The one place to change when runs are read from
/// the run store or the paper's result JSON.
/// </summary>
internal static class FigureTrialReader
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<TrialRecord>> ReadAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var trials = new List<TrialRecord>();
        foreach (var file in paths.SelectMany(Files))
        {
            int line = 0;
            foreach (var text in await File.ReadAllLinesAsync(file, cancellationToken))
            {
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                TrialRecord? trial;
                try
                {
                    trial = JsonSerializer.Deserialize<TrialRecord>(text, Options);
                }
                catch (JsonException e)
                {
                    throw new CliInputException($"{file} line {line}: not a trial record ({e.Message})");
                }
                trials.Add(trial ?? throw new CliInputException($"{file} line {line}: expected a trial record object, found null"));
            }
        }
        return trials;
    }

    private static IEnumerable<string> Files(string path)
    {
        if (File.Exists(path)) return [path];
        if (Directory.Exists(path))
            return Directory.EnumerateFiles(path, "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        throw new CliInputException($"--results: no such file or folder: {path}");
    }
}
