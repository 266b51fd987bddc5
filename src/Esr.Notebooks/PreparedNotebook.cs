using Microsoft.DotNet.Interactive.Documents;

namespace Esr.Notebooks;

/// <summary>A notebook read and given its parameters, ready for <see cref="NotebookRunner.RunAsync"/>.</summary>
public sealed class PreparedNotebook
{
    internal PreparedNotebook(string path, InteractiveDocument document, IReadOnlyDictionary<InteractiveDocumentElement, string> cellNames)
    {
        Path = path;
        Document = document;
        CellNames = cellNames;
    }

    /// <summary>The notebook as given.</summary>
    public string Path { get; }

    internal InteractiveDocument Document { get; }

    /// <summary>Each cell's name in messages (see <see cref="CellFailure.Cell"/>).</summary>
    internal IReadOnlyDictionary<InteractiveDocumentElement, string> CellNames { get; }
}
