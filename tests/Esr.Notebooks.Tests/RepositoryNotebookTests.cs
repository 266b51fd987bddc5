using System.Text.Json.Nodes;

namespace Esr.Notebooks.Tests;

/// <summary>The notebooks of notebooks/: valid for both hosts, parameterised as papermill expects, and using only the magics' real grammar.</summary>
[Collection(KernelCollection.Name)]
public sealed class RepositoryNotebookTests
{
    public static TheoryData<string> Notebooks => RepositoryNotebooks.Names();

    [Fact]
    public void The_repository_has_the_quickstart_and_one_notebook_per_experiment()
    {
        var names = RepositoryNotebooks.FileNames();

        Assert.Contains("00-quickstart.ipynb", names);
        foreach (var experiment in Enumerable.Range(1, 10))
            Assert.Single(names, name => name.StartsWith($"{experiment:00}-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_notebook_is_nbformat_4_with_the_csharp_kernelspec_and_the_polyglot_kernel_info(string name)
    {
        var json = File.ReadAllText(RepositoryNotebooks.PathOf(name));

        Assert.Empty(NbformatCheck.Problems(json));
        var metadata = JsonNode.Parse(json)!["metadata"]!;
        Assert.Equal(".net-csharp", (string?)metadata["kernelspec"]?["name"]);
        var kernelInfo = metadata["polyglot_notebook"]?["kernelInfo"];
        Assert.Equal("csharp", (string?)kernelInfo?["defaultKernelName"]);
        Assert.Contains(kernelInfo!["items"]!.AsArray(), item => (string?)item!["name"] == "csharp");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_notebook_has_exactly_one_code_cell_tagged_parameters(string name)
    {
        var cells = JsonNode.Parse(File.ReadAllText(RepositoryNotebooks.PathOf(name)))!["cells"]!.AsArray();

        var tagged = cells.Where(cell => cell!["metadata"]?["tags"] is JsonArray tags && tags.Any(tag => (string?)tag == "parameters")).ToArray();

        var parameters = Assert.Single(tagged);
        Assert.Equal("code", (string?)parameters!["cell_type"]);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Every_esr_line_of_every_notebook_parses_with_the_magics_grammar(string name)
    {
        var document = NotebookFile.Read(RepositoryNotebooks.PathOf(name));
        using var check = new EsrLineCheck();

        var problems = new List<string>();
        foreach (var cell in document.Elements.Where(cell => cell.KernelName == NotebookFile.CSharpKernelName))
            problems.AddRange(await check.ProblemsAsync(cell.Contents));

        Assert.Empty(problems);
    }
}
