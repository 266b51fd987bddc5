using System.Text.Json;

namespace Esr.Kernel.Toy;

/// <summary>
/// The toy zoo on disk: a folder with zoo.json and one folder per model (config.json, model.safetensors, tokenizer
/// files, sae/ in SAELens layout, labels.csv), all loadable by the normal loaders.
/// </summary>
public static class ToyZoo
{
    /// <summary>The manifest file of a zoo folder.</summary>
    public const string ManifestFile = "zoo.json";

    /// <summary>The variable that points at a zoo folder, overriding the search.</summary>
    public const string Variable = "ESR_TOY_ZOO";

    /// <summary>The zoo folder inside the repository (and next to the application, when published with it).</summary>
    public static readonly string RepositoryFolder = Path.Combine("toy", "zoo");

    /// <summary>The SAE folder inside a model folder.</summary>
    public const string SaeFolder = "sae";

    /// <summary>The latent labels inside a model folder.</summary>
    public const string LabelsFile = "labels.csv";

    /// <summary>The subject latents (distinct, ascending, one per line) inside a model folder: <c>esr experiment --latents</c> takes it.</summary>
    public const string SubjectLatentsFile = "subject_latents.txt";

    /// <summary>
    /// A steering-aware model's off-topic detectors in the paper's detector-file format (<c>esr experiment 3 --ablate</c>
    /// reads it), written by its build: the latents its restarts were trained to need (<see cref="ToyZooSettings.TrainedDetectors"/>).
    /// </summary>
    public const string DetectorsFile = "off_topic_detectors.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Finds the zoo folder: <c>ESR_TOY_ZOO</c> when set; else the first <c>toy/zoo</c> holding zoo.json in the
    /// application's base directory or above it, then in the kernel assembly's directory or above it (the Esr.Kernel
    /// package ships the zoo, so a notebook host that loads the package from its own folder finds it), then in the
    /// current directory or above it (a repository checkout).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">ESR_TOY_ZOO names a folder without zoo.json, or no zoo is found.</exception>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return File.Exists(Path.Combine(configured, ManifestFile))
                ? configured
                : throw new DirectoryNotFoundException($"{Variable}={configured}: no {ManifestFile} in that folder");
        }
        var kernelDirectory = Path.GetDirectoryName(typeof(ToyZoo).Assembly.Location) is { Length: > 0 } folder ? folder : AppContext.BaseDirectory;
        foreach (var start in new[] { AppContext.BaseDirectory, kernelDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, RepositoryFolder);
                if (File.Exists(Path.Combine(candidate, ManifestFile))) return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"no toy zoo found: set {Variable}, or run inside the repository (it holds {RepositoryFolder}/{ManifestFile}), or build one with 'esr toy build'");
    }

    /// <summary>Reads zoo.json of a zoo folder.</summary>
    /// <exception cref="InvalidDataException">The file is missing or malformed; the message names it.</exception>
    public static IReadOnlyList<ToyZooEntry> Read(string zooFolder)
    {
        var path = Path.Combine(zooFolder, ManifestFile);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: file not found (a toy zoo folder holds {ManifestFile})");
        try
        {
            return JsonSerializer.Deserialize<ToyZooEntry[]>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: expected a JSON array of models, found null");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: not a valid zoo manifest: {error.Message}");
        }
    }

    /// <summary>Writes zoo.json atomically.</summary>
    public static void Write(string zooFolder, IReadOnlyList<ToyZooEntry> entries)
    {
        Directory.CreateDirectory(zooFolder);
        AtomicFile.Write(Path.Combine(zooFolder, ManifestFile), temporary => File.WriteAllText(temporary, JsonSerializer.Serialize(entries, Json)));
    }
}
