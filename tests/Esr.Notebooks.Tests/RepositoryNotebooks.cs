namespace Esr.Notebooks.Tests;

/// <summary>The notebooks the repository ships (notebooks/*.ipynb), found from the test's build folder.</summary>
internal static class RepositoryNotebooks
{
    /// <summary>Every notebooks/*.ipynb, as xunit theory data (the file name).</summary>
    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Folder(), "*.ipynb").Order(StringComparer.Ordinal)) names.Add(Path.GetFileName(path));
        return names;
    }

    /// <summary>The path of the notebook named <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine(Folder(), name);

    private static string Folder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Esr.sln"))) return Path.Combine(directory.FullName, "notebooks");
        throw new DirectoryNotFoundException($"no Esr.sln above {AppContext.BaseDirectory}");
    }
}
