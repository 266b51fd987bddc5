using System.Text.Json;
using Esr.Kernel;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Esr.Notebooks;

/// <summary>
/// Reads and writes .ipynb files through .NET Interactive's document model, and gives every written notebook what
/// both of its hosts need: the .NET C# kernelspec (Jupyter), the Polyglot kernelInfo (VS Code) and a cell id on
/// every cell (nbformat 4.5, which the writer declares).
/// </summary>
public static class NotebookFile
{
    /// <summary>The kernel the runner executes code cells with.</summary>
    public const string CSharpKernelName = "csharp";

    /// <summary>The document model's name for a markdown cell.</summary>
    public const string MarkdownKernelName = "markdown";

    /// <summary>The kernels a cell may name (a <c>#!csharp</c> first line or the cell's metadata).</summary>
    public static KernelInfoCollection Kernels() => new()
    {
        new KernelInfo(CSharpKernelName, "C#", ["c#", "C#", "cs"]),
        new KernelInfo(MarkdownKernelName, "Markdown", ["md"]),
    };

    /// <summary>
    /// Reads <paramref name="path"/>; a missing or unreadable file, or one that is not an nbformat 4 notebook (an
    /// object with a <c>cells</c> array), is an input error naming it.
    /// </summary>
    public static InteractiveDocument Read(string path)
    {
        if (!File.Exists(path)) throw new EsrInputException($"notebook '{path}' does not exist");
        try
        {
            var text = File.ReadAllText(path);
            using (var json = JsonDocument.Parse(text))
            {
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
                    throw new EsrInputException($"notebook '{path}' is not a valid .ipynb file: expected an object with a \"cells\" array");
                if (!root.TryGetProperty("nbformat", out var format) || format.ValueKind != JsonValueKind.Number || format.GetInt32() != 4)
                    throw new EsrInputException($"notebook '{path}' is not a valid .ipynb file: expected \"nbformat\": 4");
            }
            return Notebook.Parse(text, Kernels());
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new EsrInputException($"notebook '{path}' is not a valid .ipynb file: {error.Message}", error);
        }
    }

    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/> whole (a temporary file, then a rename).</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        AddHostMetadata(document);
        AtomicFile.Write(path, temporary =>
        {
            using var stream = File.Create(temporary);
            Notebook.Write(document, stream, Kernels());
        });
    }

    /// <summary>The notebook as .ipynb JSON text (what <see cref="Write"/> puts in the file).</summary>
    public static string ToJson(InteractiveDocument document)
    {
        AddHostMetadata(document);
        using var stream = new MemoryStream();
        Notebook.Write(document, stream, Kernels());
        return new System.Text.UTF8Encoding(false).GetString(stream.ToArray());
    }

    private static void AddHostMetadata(InteractiveDocument document)
    {
        var metadata = document.Metadata;
        metadata.TryAdd("kernelspec", new Dictionary<string, object>
        {
            ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp",
        });
        metadata.TryAdd("language_info", new Dictionary<string, object> { ["name"] = "polyglot-notebook" });
        metadata.TryAdd("polyglot_notebook", new Dictionary<string, object>
        {
            ["kernelInfo"] = new Dictionary<string, object>
            {
                ["defaultKernelName"] = CSharpKernelName,
                ["items"] = new object[] { new Dictionary<string, object> { ["aliases"] = Array.Empty<object>(), ["name"] = CSharpKernelName } },
            },
        });
        foreach (var cell in document.Elements)
        {
            if (string.IsNullOrEmpty(cell.Id)) cell.Id = Guid.NewGuid().ToString("N")[..12];
        }
    }
}
