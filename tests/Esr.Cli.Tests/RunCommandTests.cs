using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Esr.Cli.Tests;

/// <summary><c>esr run</c>: notebooks executed in-process, their results on stdout, failures on stderr, the exit status.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-run-cli-").FullName;

    private string Output => Path.Combine(_directory, "out");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Notebooks_whose_cells_all_run_exit_zero_with_one_line_each_and_their_pages()
    {
        var first = Notebook("first.ipynb", ParametersCell("var steps = 2;"), Cell("Console.WriteLine(steps * 10);"));
        var second = Notebook("second.ipynb", ParametersCell("var steps = 1;"), Cell("\"fine\""));

        var run = await CliRun.InProcessAsync("run", first, second, "-o", Output, "-p", "steps=4", "--html");

        Assert.Equal("", run.Stderr);
        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches($@"^passed {Regex(first)} in \d+\.\d s -> {Regex(Path.Combine(Output, "first.ipynb"))}, {Regex(Path.Combine(Output, "first.html"))}$", lines[0]);
        Assert.StartsWith($"passed {second} in ", lines[1]);
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "first.ipynb")))!["cells"]!.AsArray();
        Assert.Equal("40\n", string.Concat(cells[2]!["outputs"]![0]!["text"]!.AsArray().Select(line => (string?)line)));
        Assert.True(File.Exists(Path.Combine(Output, "second.html")));
    }

    [Fact]
    public async Task A_failing_cell_exits_non_zero_naming_the_notebook_the_cell_and_the_first_error_line_and_later_notebooks_still_run()
    {
        var marker = Path.Combine(_directory, "later-cell-ran");
        var broken = Notebook("broken.ipynb", Cell("var x = 1;"), Cell("throw new Exception(\"no model\\nsecond line\");"),
            Cell($"System.IO.File.WriteAllText(@\"{marker}\", \"ran\");"));
        var fine = Notebook("fine.ipynb", Cell("1 + 1"));
        var report = Path.Combine(_directory, "junit.xml");

        var run = await CliRun.InProcessAsync("run", broken, fine, "-o", Output, "--junit", report);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Equal($"esr: {broken}: cell 2 (\"throw new Exception(\"no model\\nsecond line\");\") failed: System.Exception: no model", line);
        Assert.False(File.Exists(marker));
        Assert.StartsWith($"FAILED {broken} in ", run.Stdout);
        Assert.Contains($"passed {fine} in ", run.Stdout);
        var cases = XDocument.Load(report).Descendants("testcase").ToArray();
        Assert.Equal([broken, fine], cases.Select(testCase => (string?)testCase.Attribute("name")));
        Assert.NotNull(cases[0].Element("failure"));
        Assert.Null(cases[1].Element("failure"));
    }

    [Fact]
    public async Task A_parameter_the_notebook_does_not_declare_is_refused_before_anything_runs()
    {
        var path = Notebook("params.ipynb", ParametersCell("var steps = 2;\nvar model = \"toy-s\";"));

        var run = await CliRun.InProcessAsync("run", path, "-o", Output, "-p", "stpes=4");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"esr: -p stpes: the 'parameters' cell of '{path}' declares no variable 'stpes' (it declares steps, model)", Assert.Single(run.StderrLines));
        Assert.Equal("", run.Stdout);
        Assert.False(Directory.Exists(Output));
    }

    [Theory]
    [InlineData("-p", "steps")]
    [InlineData("-p", "2x=1")]
    [InlineData("--timeout", "0")]
    public async Task A_malformed_option_is_a_usage_error(string option, string value)
    {
        var path = Notebook("any.ipynb", Cell("1"));

        var run = await CliRun.InProcessAsync("run", path, "-o", Output, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"esr: {option}", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task A_notebook_is_never_written_over_itself()
    {
        var path = Notebook("self.ipynb", Cell("1"));

        var run = await CliRun.InProcessAsync("run", path, "-o", _directory);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"esr: output folder '{_directory}' holds {path} itself: the executed notebook would replace it; choose another folder", Assert.Single(run.StderrLines));
    }

    private string Notebook(string name, params JsonObject[] cells)
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(cells),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    private static JsonObject Cell(string source) => new()
    {
        ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = source,
    };

    private static JsonObject ParametersCell(string source)
    {
        var cell = Cell(source);
        cell["metadata"] = new JsonObject { ["tags"] = new JsonArray("parameters") };
        return cell;
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
