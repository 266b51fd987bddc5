using System.Text.Json.Nodes;

namespace Esr.Notebooks.Tests;

[Collection(KernelCollection.Name)]
public sealed class NotebookRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-notebooks-").FullName;

    private string Output => Path.Combine(_directory, "out");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_notebook_whose_cells_all_run_is_written_with_outputs_timing_and_host_metadata()
    {
        var path = new TestNotebook()
            .Markdown("# Sums")
            .Code("Console.WriteLine(\"adding\");\nConsole.Write(\"two \");\nConsole.WriteLine(\"numbers\");")
            .Code("1 + 2")
            .WriteTo(_directory, "sums.ipynb");

        var run = await RunAsync(path);

        Assert.True(run.Succeeded);
        Assert.Equal(Path.Combine(Output, "sums.ipynb"), run.OutputPath);
        var json = File.ReadAllText(run.OutputPath);
        Assert.Empty(NbformatCheck.Problems(json));
        var notebook = JsonNode.Parse(json)!;
        Assert.Equal(".net-csharp", (string?)notebook["metadata"]!["kernelspec"]!["name"]);
        Assert.Equal("csharp", (string?)notebook["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
        var stream = Assert.Single(notebook["cells"]![1]!["outputs"]!.AsArray())!;
        Assert.Equal("adding\ntwo numbers\n", Text(stream["text"]));
        var result = Assert.Single(notebook["cells"]![2]!["outputs"]!.AsArray())!;
        Assert.Equal("execute_result", (string?)result["output_type"]);
        Assert.Contains("3", Text(result["data"]!["text/html"]));
        foreach (var cell in notebook["cells"]!.AsArray().Skip(1))
        {
            Assert.Equal("completed", (string?)cell!["metadata"]!["papermill"]!["status"]);
            Assert.True((double)cell["metadata"]!["papermill"]!["duration"]! >= 0);
        }
        Assert.Equal(false, (bool?)notebook["metadata"]!["papermill"]!["exception"]);
    }

    [Fact]
    public async Task A_failing_cell_stops_the_notebook_and_the_later_cells_do_not_run()
    {
        var marker = Path.Combine(_directory, "later-cell-ran");
        var path = new TestNotebook()
            .Markdown("Intro")
            .Code("var x = 1;")
            .Code("var y = undefinedName + 1;")
            .Code($"System.IO.File.WriteAllText(@\"{marker}\", \"ran\");")
            .WriteTo(_directory, "broken.ipynb");

        var run = await RunAsync(path);

        Assert.False(run.Succeeded);
        Assert.Equal("cell 3 (\"var y = undefinedName + 1;\")", run.Failure!.Cell);
        Assert.Contains("CS0103", run.Failure.FirstLine);
        Assert.Equal($"{path}: cell 3 (\"var y = undefinedName + 1;\") failed: {run.Failure.FirstLine}", run.FailureLine);
        Assert.False(File.Exists(marker));
        var json = File.ReadAllText(run.OutputPath);
        Assert.Empty(NbformatCheck.Problems(json));
        var cells = JsonNode.Parse(json)!["cells"]!.AsArray();
        var error = Assert.Single(cells[2]!["outputs"]!.AsArray())!;
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal("failed", (string?)cells[2]!["metadata"]!["papermill"]!["status"]);
        Assert.Contains("CS0103", (string?)cells[2]!["metadata"]!["papermill"]!["error"]);
        Assert.Equal("pending", (string?)cells[3]!["metadata"]!["papermill"]!["status"]);
        Assert.Empty(cells[3]!["outputs"]!.AsArray());
    }

    [Fact]
    public async Task A_display_updated_by_its_handle_leaves_one_output_with_the_last_value()
    {
        var path = new TestNotebook()
            .Code("var progress = display(\"step 1\");\nprogress.Update(\"step 2\");\nprogress.Update(\"step 3\");")
            .Code("""
                var context = Microsoft.DotNet.Interactive.KernelInvocationContext.Current;
                var status = Microsoft.DotNet.Interactive.KernelInvocationContextExtensions.Display(context, "loading", "text/plain");
                status.Update("loaded");
                """)
            .Code("progress.Update(\"done\");")
            .WriteTo(_directory, "progress.ipynb");

        var run = await RunAsync(path);

        Assert.True(run.Succeeded, run.FailureLine);
        var cells = JsonNode.Parse(File.ReadAllText(run.OutputPath))!["cells"]!.AsArray();
        var progress = Assert.Single(cells[0]!["outputs"]!.AsArray())!;
        Assert.Equal("done", Text(progress["data"]!["text/plain"]));
        var status = Assert.Single(cells[1]!["outputs"]!.AsArray())!;
        Assert.Equal("loaded", Text(status["data"]!["text/plain"]));
        Assert.Empty(cells[2]!["outputs"]!.AsArray());
    }

    [Fact]
    public async Task A_cell_running_past_the_timeout_is_cancelled_and_fails_the_notebook_naming_it()
    {
        var marker = Path.Combine(_directory, "later-cell-ran");
        var path = new TestNotebook()
            .Code("var started = true;")
            .Code("await Task.Delay(TimeSpan.FromMinutes(10));")
            .Code($"System.IO.File.WriteAllText(@\"{marker}\", \"ran\");")
            .WriteTo(_directory, "slow.ipynb");

        var run = await RunAsync(path, new NotebookRunOptions(Output) { Timeout = TimeSpan.FromSeconds(3) });

        Assert.False(run.Succeeded);
        Assert.True(run.Failure!.TimedOut);
        Assert.Equal($"{path}: cell 2 (\"await Task.Delay(TimeSpan.FromMinutes(10));\") ran past the 3 s timeout and was cancelled", run.FailureLine);
        Assert.False(File.Exists(marker));
        var cells = JsonNode.Parse(File.ReadAllText(run.OutputPath))!["cells"]!.AsArray();
        Assert.Equal("failed", (string?)cells[1]!["metadata"]!["papermill"]!["status"]);
        Assert.Equal("TimeoutException", (string?)cells[1]!["outputs"]![0]!["ename"]);
    }

    [Fact]
    public async Task Parameters_reach_the_notebook_as_typed_values_after_the_parameters_cell()
    {
        var path = new TestNotebook()
            .Code("var steps = 5;\nvar scale = 0.5;\nvar model = \"toy-s\";\nvar compare = false;", "parameters")
            .Code("Console.Write($\"{steps.GetType().Name} {steps} {scale.GetType().Name} {scale} {model.GetType().Name} {model} {compare.GetType().Name} {compare}\");")
            .WriteTo(_directory, "params.ipynb");
        var options = new NotebookRunOptions(Output)
        {
            Parameters = [new("steps", "7"), new("scale", "0.25"), new("model", "toy \"m\""), new("compare", "true")],
        };

        var run = await RunAsync(path, options);

        Assert.True(run.Succeeded, run.FailureLine);
        var notebook = JsonNode.Parse(File.ReadAllText(run.OutputPath))!;
        var cells = notebook["cells"]!.AsArray();
        Assert.Equal("injected-parameters", (string?)cells[1]!["metadata"]!["tags"]![0]);
        Assert.Equal("Int32 7 Double 0.25 String toy \"m\" Boolean True", Text(cells[2]!["outputs"]![0]!["text"]));
        Assert.Equal("7", (string?)notebook["metadata"]!["papermill"]!["parameters"]!["steps"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"cells\": 3}")]
    [InlineData("[]")]
    [InlineData("{\"cells\": [], \"nbformat\": 3}")]
    public void A_file_that_is_not_a_notebook_is_refused_naming_it(string content)
    {
        var path = Path.Combine(_directory, "bad.ipynb");
        File.WriteAllText(path, content);

        var error = Assert.Throws<Esr.Kernel.EsrInputException>(() => new NotebookRunner(new NotebookRunOptions(Output)).Prepare(path));

        Assert.StartsWith($"notebook '{path}' is not a valid .ipynb file: ", error.Message);
    }

    [Fact]
    public void A_missing_notebook_is_refused_naming_it()
    {
        var path = Path.Combine(_directory, "missing.ipynb");

        var error = Assert.Throws<Esr.Kernel.EsrInputException>(() => new NotebookRunner(new NotebookRunOptions(Output)).Prepare(path));

        Assert.Equal($"notebook '{path}' does not exist", error.Message);
    }

    [Fact]
    public void Two_notebooks_that_would_be_written_to_one_file_are_refused_before_either_runs()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "b"));
        var first = new TestNotebook().Code("1").WriteTo(_directory, "same.ipynb");
        var second = new TestNotebook().Code("2").WriteTo(Path.Combine(_directory, "b"), "same.ipynb");

        var error = Assert.Throws<Esr.Kernel.EsrInputException>(() => new NotebookRunner(new NotebookRunOptions(Output)).Prepare([first, second]));

        Assert.Equal($"{first} and {second} would both be written to {Path.Combine(Output, "same.ipynb")}; run them with different output folders", error.Message);
    }

    [Fact]
    public async Task Cells_run_in_the_notebooks_folder_and_the_callers_folder_is_back_afterwards()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "notebooks")).FullName;
        var path = new TestNotebook().Code("System.IO.Directory.GetCurrentDirectory()").WriteTo(folder, "where.ipynb");
        var caller = Directory.GetCurrentDirectory();

        var run = await RunAsync(path);

        Assert.True(run.Succeeded);
        Assert.Equal(caller, Directory.GetCurrentDirectory());
        var result = Assert.Single(JsonNode.Parse(File.ReadAllText(run.OutputPath))!["cells"]![0]!["outputs"]!.AsArray())!;
        Assert.Equal(folder, Text(result["data"]!["text/plain"]));
    }

    private static async Task<NotebookRun> RunAsync(string path, NotebookRunOptions options)
    {
        var runner = new NotebookRunner(options);
        return await runner.RunAsync(runner.Prepare(path));
    }

    private Task<NotebookRun> RunAsync(string path) => RunAsync(path, new NotebookRunOptions(Output));

    // nbformat's multiline strings: one string or an array of lines.
    internal static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(line => (string?)line)),
        _ => (string?)node ?? "",
    };
}
