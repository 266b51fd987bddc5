using System.Text.Json;

namespace Esr.Cli.Tests;

/// <summary>The built <c>esr.dll</c> run as a child process: what really reaches the stdout and stderr descriptors.</summary>
[Collection(TinyLlamaCollection.Name)]
public class ExecutableTests(TinyLlama tiny)
{
    [Fact]
    public async Task Tokenize_writes_exactly_the_json_array_to_the_real_stdout_and_nothing_to_stderr()
    {
        var run = await CliRun.ChildProcessAsync("tokenize", "--tokenizer", tiny.ModelDirectory, "--text", "Explain how a bicycle works.");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[849,21435,1268,264,36086,4375,13]\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task Logits_on_the_real_stdout_parse_as_json_with_one_row_per_position()
    {
        var run = await CliRun.ChildProcessAsync("logits", "--model", tiny.ModelDirectory, "--ids", "128000,849");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(tiny.Model.Logits([128000, 849]), JsonSerializer.Deserialize<float[][]>(run.Stdout));
    }

    [Fact]
    public async Task Help_goes_to_stdout_and_documents_the_paper_extra_header_flag()
    {
        var run = await CliRun.ChildProcessAsync("chat-template", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--paper-extra-header", run.Stdout);
        Assert.Contains("off by default", run.Stdout);
        Assert.Equal("", run.Stderr);
    }
}
