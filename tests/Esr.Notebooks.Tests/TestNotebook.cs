using System.Text.Json.Nodes;

namespace Esr.Notebooks.Tests;

/// <summary>Writes small .ipynb files for the runner to execute, as VS Code Polyglot saves them.</summary>
internal sealed class TestNotebook
{
    private readonly JsonArray _cells = [];

    /// <summary>Adds a C# code cell, with tags if given.</summary>
    public TestNotebook Code(string source, params string[] tags)
    {
        var metadata = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } };
        if (tags.Length > 0) metadata["tags"] = new JsonArray([.. tags.Select(tag => (JsonNode)tag)]);
        _cells.Add(new JsonObject
        {
            ["cell_type"] = "code", ["execution_count"] = null, ["id"] = $"c{_cells.Count}", ["metadata"] = metadata,
            ["outputs"] = new JsonArray(), ["source"] = source,
        });
        return this;
    }

    /// <summary>Adds a markdown cell.</summary>
    public TestNotebook Markdown(string source)
    {
        _cells.Add(new JsonObject { ["cell_type"] = "markdown", ["id"] = $"m{_cells.Count}", ["metadata"] = new JsonObject(), ["source"] = source });
        return this;
    }

    /// <summary>Writes the notebook as <paramref name="name"/> in <paramref name="folder"/> and returns its path.</summary>
    public string WriteTo(string folder, string name)
    {
        var notebook = new JsonObject
        {
            ["cells"] = _cells.DeepClone(),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }
}
