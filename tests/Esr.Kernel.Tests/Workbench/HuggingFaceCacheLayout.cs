namespace Esr.Kernel.Tests;

/// <summary>A Hugging Face hub cache in a temporary folder: repositories with refs/main and one snapshot each.</summary>
internal sealed class HuggingFaceCacheLayout : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("esr-hf-home-").FullName;

    /// <summary>Puts copies of <paramref name="files"/>' files at <c>hub/models--org--name/snapshots/&lt;revision&gt;/</c>; returns that folder.</summary>
    public string Add(string repository, string files, string revision = "0123abcd")
    {
        var root = Path.Combine(Home, "hub", "models--" + repository.Replace("/", "--", StringComparison.Ordinal));
        var snapshot = Directory.CreateDirectory(Path.Combine(root, "snapshots", revision)).FullName;
        Directory.CreateDirectory(Path.Combine(root, "refs"));
        File.WriteAllText(Path.Combine(root, "refs", "main"), revision);
        foreach (var file in Directory.EnumerateFiles(files)) File.Copy(file, Path.Combine(snapshot, Path.GetFileName(file)));
        return snapshot;
    }

    public void Dispose() => Directory.Delete(Home, recursive: true);
}
