using Esr.Kernel.Experiments;
using Esr.Kernel.Models;
using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>
/// A model name resolved to a directory: an existing directory, a toy zoo model, a paper configuration, or a Hugging
/// Face id in the local cache (tried in that order). Nothing is downloaded.
/// </summary>
/// <param name="Kind">What the name turned out to be.</param>
/// <param name="Name">What runs are named after: the toy name, the paper's short name, the repository's name, or the
/// folder's name (for a Hugging Face snapshot folder, its repository's name rather than the commit hash).</param>
/// <param name="Directory">The model directory.</param>
public sealed record ModelReference(ModelReferenceKind Kind, string Name, string Directory)
{
    /// <summary>The paper configuration, for <see cref="ModelReferenceKind.Paper"/>.</summary>
    public PaperConfiguration? Paper { get; init; }

    /// <summary>The zoo entry, for <see cref="ModelReferenceKind.Toy"/>.</summary>
    public ToyZooEntry? Toy { get; init; }

    /// <summary>A toy model's own SAE folder (<c>sae/</c> in its folder); null for other models.</summary>
    public string? ToySaePath => Toy is null ? null : Path.Combine(Directory, ToyZoo.SaeFolder);

    /// <summary>Resolves a model name.</summary>
    /// <param name="model">A directory, a toy name ("toy-m-sa60"), a paper short name ("llama-3.1-8b") or "org/name".</param>
    /// <param name="huggingFaceHome">The Hugging Face cache root; null for <c>HF_HOME</c>, else <c>~/.cache/huggingface</c>.</param>
    /// <exception cref="EsrInputException">The name is none of these, or its files are not in the cache; the message
    /// lists what was tried and the known toy and paper names.</exception>
    public static ModelReference Resolve(string model, string? huggingFaceHome = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (System.IO.Directory.Exists(model))
        {
            var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(model));
            // A model folder of a zoo (any zoo, not only the one found) is that toy model, with its SAE, block and labels.
            return ZooEntryOf(directory) is { } entry
                ? new(ModelReferenceKind.Toy, entry.Name, directory) { Toy = entry }
                : new(ModelReferenceKind.Directory, NameOf(model), directory);
        }
        if (FindToy(model) is { } toy) return new(ModelReferenceKind.Toy, toy.Entry.Name, toy.Directory) { Toy = toy.Entry };
        if (FindPaper(model) is { } paper)
        {
            var directory = Snapshot(paper.ModelRepo, huggingFaceHome, $"model '{model}' (the paper's {paper.PaperName})");
            return new(ModelReferenceKind.Paper, paper.ShortName, directory) { Paper = paper };
        }
        var parts = model.Split('/');
        if (parts.Length == 2 && parts.All(part => part.Trim().Length > 0))
            return new(ModelReferenceKind.HuggingFace, parts[1], Snapshot(model, huggingFaceHome, $"model '{model}'"));
        throw new EsrInputException(
            $"model '{model}' is not a directory, a toy model ({string.Join(", ", ToyNames())}), a paper model " +
            $"({string.Join(", ", PaperConfigurations.All.Select(c => c.ShortName))}) or a Hugging Face id (org/name) in the local cache");
    }

    /// <summary>The toy names (when a zoo is found) and the paper short names: what <see cref="Resolve"/> knows by name.</summary>
    public static IReadOnlyList<string> KnownNames() => [.. ToyNames(), .. PaperConfigurations.All.Select(c => c.ShortName)];

    /// <summary>
    /// The name runs are given for a model directory: the folder's name, or for a Hugging Face cache snapshot
    /// (<c>models--org--name/snapshots/&lt;commit&gt;</c>) the repository's name.
    /// </summary>
    public static string NameOf(string directory)
    {
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        var repository = parent is null ? null : Path.GetFileName(Path.GetDirectoryName(parent));
        return Path.GetFileName(parent) == "snapshots" && repository is not null && repository.StartsWith("models--", StringComparison.Ordinal)
            ? repository[(repository.LastIndexOf("--", StringComparison.Ordinal) + 2)..]
            : Path.GetFileName(full);
    }

    /// <summary>The toy zoo model of that name with its folder, or null (also when no zoo is found).</summary>
    internal static (ToyZooEntry Entry, string Directory)? FindToy(string name)
    {
        if (ZooFolder() is not { } zoo) return null;
        var entry = ReadZoo(zoo).FirstOrDefault(entry => entry.Name == name);
        return entry is null ? null : (entry, Path.Combine(zoo, entry.Name));
    }

    // The entry of the zoo the folder sits in (its parent holds zoo.json listing the folder's name), or null.
    private static ToyZooEntry? ZooEntryOf(string directory)
    {
        var zoo = Path.GetDirectoryName(directory);
        if (zoo is null || !File.Exists(Path.Combine(zoo, ToyZoo.ManifestFile))) return null;
        var name = Path.GetFileName(directory);
        return ReadZoo(zoo).FirstOrDefault(entry => entry.Name == name);
    }

    /// <summary>The paper configuration of a short name (case-insensitive), or null.</summary>
    internal static PaperConfiguration? FindPaper(string name) =>
        PaperConfigurations.All.FirstOrDefault(c => string.Equals(c.ShortName, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The toy names, for messages and completions.</summary>
    internal static IReadOnlyList<string> ToyNames() => ZooFolder() is { } zoo ? ReadZoo(zoo).Select(entry => entry.Name).ToArray() : [];

    private static string? ZooFolder()
    {
        try
        {
            return ToyZoo.Locate();
        }
        catch (DirectoryNotFoundException)
        {
            return null; // no zoo here: toy names are simply unknown
        }
    }

    private static IReadOnlyList<ToyZooEntry> ReadZoo(string zoo)
    {
        try
        {
            return ToyZoo.Read(zoo);
        }
        catch (InvalidDataException error)
        {
            throw new EsrInputException(error.Message, error);
        }
    }

    private static string Snapshot(string repository, string? huggingFaceHome, string what)
    {
        try
        {
            return HuggingFaceCache.SnapshotDirectory(repository, huggingFaceHome);
        }
        catch (DirectoryNotFoundException error)
        {
            throw new EsrInputException($"{what}: {error.Message}", error);
        }
    }
}
