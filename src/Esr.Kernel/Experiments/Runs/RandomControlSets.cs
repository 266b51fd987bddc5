using System.Text.Json;
using System.Text.Json.Nodes;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Exp 10's random ablation sets read from a data file (<c>{"sets": [{"seed", "latents": [...]}, ...]}</c>, the
/// paper's drawn with CPython in <c>random_control_sets.json</c>), checked against the run that will use them.
/// </summary>
public static class RandomControlSets
{
    /// <summary>
    /// The first <see cref="ExperimentSettings.RandomAblationSets"/> sets of the file; each must hold as many distinct
    /// latents as the run's detectors, all inside the SAE and none a detector.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="settings">The run: its set count, detectors and SAE width.</param>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is malformed or does not fit the run; the message names the file and the set.</exception>
    public static IReadOnlyList<IReadOnlyList<int>> Read(string path, ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file (Exp 10's random ablation sets)", path);
        JsonArray sets;
        try
        {
            sets = JsonNode.Parse(File.ReadAllText(path))?["sets"] as JsonArray
                ?? throw new InvalidDataException($"{path}: expected an object with a 'sets' array");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})", e);
        }
        if (sets.Count < settings.RandomAblationSets)
            throw new InvalidDataException($"{path}: holds {sets.Count} sets but the run needs {settings.RandomAblationSets}");
        var detectors = settings.AblateLatents.ToHashSet();
        return sets.Take(settings.RandomAblationSets).Select((set, i) => Set(path, i, set, detectors, settings.SaeWidth)).ToArray();
    }

    private static IReadOnlyList<int> Set(string path, int index, JsonNode? set, IReadOnlySet<int> detectors, int saeWidth)
    {
        var where = $"{path}: sets[{index}].latents";
        int[] latents;
        try
        {
            latents = (set?["latents"] as JsonArray ?? throw new InvalidDataException($"{where} is missing"))
                .Select(node => node?.GetValue<int>() ?? throw new InvalidDataException($"{where} holds a null")).ToArray();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{where} holds a value that is not an integer latent", e);
        }
        if (latents.Length != detectors.Count)
            throw new InvalidDataException($"{where} holds {latents.Length} latents but the run ablates {detectors.Count} detectors (each set matches their count)");
        if (latents.Distinct().Count() != latents.Length) throw new InvalidDataException($"{where} repeats a latent");
        var outside = Array.FindIndex(latents, latent => latent < 0 || latent >= saeWidth);
        if (outside >= 0) throw new InvalidDataException($"{where}: latent {latents[outside]} is outside the SAE (0 to {saeWidth - 1})");
        var detector = Array.FindIndex(latents, detectors.Contains);
        if (detector >= 0) throw new InvalidDataException($"{where}: latent {latents[detector]} is one of the run's detectors (the sets exclude them)");
        return latents;
    }
}
