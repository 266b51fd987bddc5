namespace Esr.Kernel.Tests.Experiments.Readouts;

/// <summary>The paper's data files in ../shared/data/esr (found by walking up to the folder that holds <c>shared</c>).</summary>
internal static class PaperData
{
    public static string File(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", "esr", name);
            if (System.IO.File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"No shared/data/esr/{name} above '{AppContext.BaseDirectory}'.");
    }
}
