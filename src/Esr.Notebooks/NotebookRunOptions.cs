namespace Esr.Notebooks;

/// <summary>How <see cref="NotebookRunner"/> runs notebooks.</summary>
/// <param name="OutputFolder">Where the executed notebooks (and their pages) are written, under their own file names.</param>
public sealed record NotebookRunOptions(string OutputFolder)
{
    /// <summary>Values for the parameters cell's variables (papermill's <c>-p name value</c>), in the order given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The longest a notebook may run; the cell running when it passes is cancelled and the notebook fails.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Also write a static HTML page beside each executed notebook.</summary>
    public bool Html { get; init; }

    /// <summary>
    /// Extensions loaded into every notebook's kernel before its first cell: assemblies, folders of them, or package
    /// folders with an <c>interactive-extensions/dotnet</c> folder (notebooks load packaged ones with <c>#r "nuget:..."</c>).
    /// </summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];
}
