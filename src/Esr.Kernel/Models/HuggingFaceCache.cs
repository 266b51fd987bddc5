namespace Esr.Kernel.Models;

/// <summary>
/// Finds repositories already downloaded into the Hugging Face hub cache:
/// <c>$HF_HOME/hub/models--org--name/snapshots/&lt;revision&gt;/</c>, the revision read from <c>refs/main</c>.
/// Nothing is downloaded.
/// </summary>
public static class HuggingFaceCache
{
    /// <summary>The cache root: <paramref name="hfHome"/>, else <c>HF_HOME</c>, else <c>~/.cache/huggingface</c>.</summary>
    public static string Home(string? hfHome = null)
    {
        if (!string.IsNullOrEmpty(hfHome)) return hfHome;
        var fromEnvironment = Environment.GetEnvironmentVariable("HF_HOME");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
    }

    /// <summary>The cache folder of a model repository, whether or not it exists.</summary>
    /// <param name="repoId">"org/name".</param>
    /// <param name="hfHome">The cache root; null uses <see cref="Home"/>.</param>
    public static string RepositoryDirectory(string repoId, string? hfHome = null)
    {
        var parts = repoId.Split('/');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"'{repoId}' is not a repository id of the form org/name.", nameof(repoId));
        return Path.Combine(Home(hfHome), "hub", $"models--{parts[0]}--{parts[1]}");
    }

    /// <summary>The snapshot folder that <c>refs/main</c> points to.</summary>
    /// <param name="repoId">"org/name".</param>
    /// <param name="hfHome">The cache root; null uses <see cref="Home"/>.</param>
    /// <exception cref="DirectoryNotFoundException">The repository, its <c>refs/main</c> or the snapshot is absent; the message names the path expected.</exception>
    public static string SnapshotDirectory(string repoId, string? hfHome = null)
    {
        var repository = RepositoryDirectory(repoId, hfHome);
        if (!Directory.Exists(repository))
            throw new DirectoryNotFoundException($"{repoId} is not in the Hugging Face cache: expected {repository}/snapshots/<revision>/ (download it, or set HF_HOME).");
        var reference = Path.Combine(repository, "refs", "main");
        if (!File.Exists(reference))
            throw new DirectoryNotFoundException($"{repoId}: expected {reference} naming the snapshot revision.");
        var revision = File.ReadAllText(reference).Trim();
        var snapshot = Path.Combine(repository, "snapshots", revision);
        if (revision.Length == 0 || revision.IndexOfAny(['/', '\\']) >= 0 || !Directory.Exists(snapshot))
            throw new DirectoryNotFoundException($"{repoId}: refs/main names revision '{revision}' but {snapshot} does not exist.");
        return snapshot;
    }
}
