using Esr.Kernel;
using Microsoft.DotNet.Interactive.Documents;

namespace Esr.Notebooks.Tests;

public sealed class NotebookParametersTests
{
    private const string ParametersCell = """
        var steps = 5;
        var scale = 0.5;
        var model = "toy-s";
        var compare = true;
        long seed = -3L;
        string? judge = null;
        var names = new[] { "a" };
        """;

    [Fact]
    public void Declarations_are_typed_after_their_literals_or_declared_types()
    {
        var declared = NotebookParameters.Declarations(ParametersCell);

        Assert.Equal(
            [
                new DeclaredParameter("steps", "int", ParameterKind.Int),
                new DeclaredParameter("scale", "double", ParameterKind.Double),
                new DeclaredParameter("model", "string", ParameterKind.String),
                new DeclaredParameter("compare", "bool", ParameterKind.Bool),
                new DeclaredParameter("seed", "long", ParameterKind.Long),
                new DeclaredParameter("judge", "string?", ParameterKind.String),
                new DeclaredParameter("names", "var", ParameterKind.Unsupported),
            ],
            declared);
    }

    [Fact]
    public void Injected_cell_follows_the_parameters_cell_and_declares_each_value_with_its_type()
    {
        var document = Document();

        NotebookParameters.Inject(document, Values(("steps", "7"), ("scale", "1e-3"), ("model", "say \"hi\"\n"), ("compare", "false"), ("judge", "toy")), "nb.ipynb");

        var injected = document.Elements[2];
        Assert.True(NotebookParameters.HasTag(injected, NotebookParameters.InjectedTag));
        Assert.Equal("csharp", injected.KernelName);
        Assert.Equal(
            """
            // Parameters set by `esr run -p`.
            int steps = 7;
            double scale = 0.001d;
            string model = "say \"hi\"\n";
            bool compare = false;
            string? judge = "toy";
            """.ReplaceLineEndings("\n"),
            injected.Contents);
    }

    [Fact]
    public void A_value_for_an_undeclared_name_is_refused_naming_it_and_the_notebook()
    {
        var error = Assert.Throws<EsrInputException>(() => NotebookParameters.Inject(Document(), Values(("stpes", "7")), "nb.ipynb"));

        Assert.StartsWith("-p stpes: the 'parameters' cell of 'nb.ipynb' declares no variable 'stpes'", error.Message);
        Assert.Contains("steps, scale, model", error.Message);
    }

    [Theory]
    [InlineData("steps", "2.5", "is not an int")]
    [InlineData("scale", "half", "is not a double")]
    [InlineData("compare", "yes", "is not a bool")]
    [InlineData("names", "x", "a command-line value cannot set")]
    public void A_value_that_does_not_fit_the_declared_type_is_refused(string name, string value, string expected)
    {
        var error = Assert.Throws<EsrInputException>(() => NotebookParameters.Inject(Document(), Values((name, value)), "nb.ipynb"));

        Assert.StartsWith($"-p {name}", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_notebook_without_a_parameters_cell_refuses_values()
    {
        var document = new InteractiveDocument([new InteractiveDocumentElement("var steps = 5;", "csharp")]);

        var error = Assert.Throws<EsrInputException>(() => NotebookParameters.Inject(document, Values(("steps", "7")), "nb.ipynb"));

        Assert.Equal("-p steps: notebook 'nb.ipynb' has no cell tagged 'parameters' to set it in", error.Message);
    }

    [Fact]
    public void An_injected_cell_from_an_earlier_run_is_replaced()
    {
        var document = Document();
        NotebookParameters.Inject(document, Values(("steps", "7")), "nb.ipynb");

        NotebookParameters.Inject(document, Values(("steps", "9")), "nb.ipynb");

        var injected = Assert.Single(document.Elements, cell => NotebookParameters.HasTag(cell, NotebookParameters.InjectedTag));
        Assert.EndsWith("int steps = 9;", injected.Contents);
    }

    private static InteractiveDocument Document() => new(
    [
        new InteractiveDocumentElement("# Title", "markdown"),
        new InteractiveDocumentElement(ParametersCell, "csharp") { Metadata = new Dictionary<string, object> { ["tags"] = new object[] { "parameters" } } },
        new InteractiveDocumentElement("steps", "csharp"),
    ]);

    private static Dictionary<string, string> Values(params (string Name, string Value)[] values) =>
        values.ToDictionary(value => value.Name, value => value.Value);
}
