namespace Esr.Notebooks.Tests;

/// <summary>The notebooks the repository ships (notebooks/*.ipynb), found from the test's build folder.</summary>
internal static class RepositoryNotebooks
{
    /// <summary>The file names of every notebooks/*.ipynb, in order.</summary>
    public static IReadOnlyList<string> FileNames() =>
        [.. Directory.GetFiles(Folder(), "*.ipynb").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    /// <summary>The same names as xunit theory data.</summary>
    public static TheoryData<string> Names() => new(FileNames());

    /// <summary>The path of the notebook named <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder(), name);

    private static string Folder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Esr.sln"))) return Path.Combine(directory.FullName, "notebooks");
        throw new DirectoryNotFoundException($"no Esr.sln above {AppContext.BaseDirectory}");
    }
}
