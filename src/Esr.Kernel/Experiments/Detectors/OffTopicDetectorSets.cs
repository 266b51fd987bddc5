using System.Text.Json;

namespace Esr.Kernel.Experiments.Detectors;

/// <summary>The off-topic-detector lists of ESR_SPEC §7.1, and a reader for detector files.</summary>
public static class OffTopicDetectorSets
{
    /// <summary>The paper's 26-latent set (Llama-3.3-70B, layer-50 SAE) used by Exp 3, 6, 9 and 10.</summary>
    public static IReadOnlyList<int> Paper26 { get; } =
    [
        3675, 7517, 9168, 10304, 11977, 15375, 17481, 17516, 24684, 27331, 28540, 33044, 34002,
        34765, 37536, 40119, 40792, 41038, 45078, 46037, 49897, 54311, 58565, 59483, 61116, 61420,
    ];

    /// <summary>
    /// Reads the <c>off_topic_detectors</c> list of a detector JSON file (the paper's or this project's), or a file that
    /// holds only the list.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not JSON or lacks an integer list <c>off_topic_detectors</c>.</exception>
    public static IReadOnlyList<int> Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("off_topic_detectors", out var field) ? field : root;
            if (list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
                return list.EnumerateArray().Select(e => e.GetInt32()).Distinct().ToList();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': not valid JSON ({e.Message})", e);
        }
        throw new InvalidDataException($"'{path}': field \"off_topic_detectors\" must be a list of integer latent indices");
    }

    /// <summary>Detectors as an option gives them: a detector file (<see cref="Read"/>) or comma-separated latents.</summary>
    /// <exception cref="EsrInputException">A list that is not comma-separated latents.</exception>
    /// <exception cref="InvalidDataException">A malformed detector file.</exception>
    public static IReadOnlyList<int> ReadOrParse(string option, string value) => File.Exists(value) ? Read(value) : LatentList.Parse(option, value);
}
