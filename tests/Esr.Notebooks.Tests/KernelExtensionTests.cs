using System.Text.Json.Nodes;

namespace Esr.Notebooks.Tests;

[Collection(KernelCollection.Name)]
public sealed class KernelExtensionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-notebook-extensions-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_preloaded_assembly_extension_adds_its_magic_commands_before_the_first_cell()
    {
        var path = new TestNotebook().Code("#!probe").WriteTo(_directory, "probe.ipynb");
        var runner = new NotebookRunner(new NotebookRunOptions(Path.Combine(_directory, "out")) { Extensions = [typeof(ProbeExtension).Assembly.Location] });

        var run = await runner.RunAsync(runner.Prepare(path));

        Assert.True(run.Succeeded, run.FailureLine);
        Assert.Equal(ProbeExtension.Shown, Shown(run, cell: 0));
    }

    [Fact]
    public async Task A_package_added_with_r_nuget_loads_its_extension_as_the_Polyglot_host_does()
    {
        var feed = Path.Combine(_directory, "feed");
        var version = ProbePackage.WriteTo(feed);
        var path = new TestNotebook()
            .Code($"#i \"nuget:{feed}\"\n#r \"nuget: {ProbePackage.Id}, {version}\"")
            .Code("#!packaged-probe")
            .WriteTo(_directory, "packaged.ipynb");
        var runner = new NotebookRunner(new NotebookRunOptions(Path.Combine(_directory, "out")));

        var run = await runner.RunAsync(runner.Prepare(path));

        Assert.True(run.Succeeded, run.FailureLine);
        Assert.Equal(ProbePackage.Shown, Shown(run, cell: 1));
    }

    [Theory]
    [InlineData("markdig")]
    [InlineData("missing")]
    public async Task A_preloaded_path_without_an_extension_is_refused_naming_it(string which)
    {
        var extension = which == "markdig" ? typeof(Markdig.Markdown).Assembly.Location : Path.Combine(_directory, "missing.dll");
        var path = new TestNotebook().Code("1").WriteTo(_directory, "plain.ipynb");
        var runner = new NotebookRunner(new NotebookRunOptions(Path.Combine(_directory, "out")) { Extensions = [extension] });

        var error = await Assert.ThrowsAsync<Esr.Kernel.EsrInputException>(() => runner.RunAsync(runner.Prepare(path)));

        Assert.Equal(
            which == "markdig"
                ? $"extension '{extension}' holds no .NET Interactive extension (a public IKernelExtension class with a parameterless constructor)"
                : $"extension '{extension}' could not be loaded: no such file or folder (expected an assembly or a package folder)",
            error.Message);
    }

    private static string Shown(NotebookRun run, int cell)
    {
        var outputs = JsonNode.Parse(File.ReadAllText(run.OutputPath))!["cells"]![cell]!["outputs"]!.AsArray();
        return NotebookRunnerTests.Text(outputs.Single(output => (string?)output!["output_type"] == "display_data")!["data"]!["text/plain"]);
    }
}
