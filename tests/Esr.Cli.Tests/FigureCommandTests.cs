using System.Text.Json;
using Esr.Kernel.Experiments;
using Esr.Kernel.Judging;

namespace Esr.Cli.Tests;

public sealed class FigureCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("esr-figure-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private static TrialRecord Trial(string model, string condition, params double[] scores) =>
        new(Guid.NewGuid().ToString("N"), 1, model, condition, 3, "label", "Explain how.", 10, 10, 1, "a fine answer",
            new JudgeVerdict(scores.Select(s => new Attempt("text", s)).ToList(), "{}", null), null)
        { AblatedLatents = condition == "ablation" ? [1, 2] : [] };

    private string WriteTrials(string name, params TrialRecord[] trials)
    {
        string path = Path.Combine(directory, name);
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        File.WriteAllLines(path, trials.Select(t => JsonSerializer.Serialize(t, web)));
        return path;
    }

    [Fact]
    public async Task Figure_2_from_a_results_folder_writes_a_self_contained_html_page()
    {
        WriteTrials("a.jsonl", Trial("llama-3.3-70b", "steered", 10, 90), Trial("llama-3.3-70b", "steered", 30));
        WriteTrials("b.jsonl", Trial("gemma-2-2b", "steered", 40));
        // Figure 2 pools Exp-1 steered trials only: no-steering trials and fine-tuned models stay out.
        WriteTrials("c.jsonl", Trial("gemma-2-9b", "no_steering", 90), Trial("masked-ratio-50pct-merged", "steered", 20));
        string output = Path.Combine(directory, "figure2.html");
        var run = await CliRun.InProcessAsync("figure", "2", "--results", directory, "--out", output);
        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Equal(output, run.Stdout.Trim());
        string html = await File.ReadAllTextAsync(output);
        Assert.Contains("Llama-3.3-70B", html);
        Assert.Contains("Gemma-2-2B", html);
        Assert.Contains("ESR Rate", html);
        Assert.DoesNotContain("Gemma-2-9B", html);
        Assert.DoesNotContain("masked-ratio", html);
    }

    [Fact]
    public async Task Figure_4_variants_needs_exactly_one_model()
    {
        string results = WriteTrials("t.jsonl", Trial("m", "steered", 10), Trial("n", "self_monitor", 20));
        string output = Path.Combine(directory, "f.html");
        var two = await CliRun.InProcessAsync("figure", "4-variants", "--results", results, "--out", output, "--model", "m", "n");
        Assert.Equal(1, two.ExitCode);
        Assert.Contains("exactly one --model", two.Stderr);
        var one = await CliRun.InProcessAsync("figure", "4-variants", "--results", results, "--out", output, "--model", "m");
        Assert.Equal((0, ""), (one.ExitCode, one.Stderr));
    }

    [Fact]
    public async Task Figure_5_renders_a_png()
    {
        string results = WriteTrials("t.jsonl", Trial("m", "steered", 10, 50), Trial("m", "steered", 20), Trial("m", "ablation", 30));
        string output = Path.Combine(directory, "figure5.png");
        var run = await CliRun.InProcessAsync("figure", "5", "--results", results, "--out", output, "--scale", "1");
        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        var bytes = await File.ReadAllBytesAsync(output);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4));
    }

    [Fact]
    public async Task A_malformed_line_fails_with_one_line_naming_the_file_and_line()
    {
        string results = WriteTrials("t.jsonl", Trial("m", "steered", 10));
        File.AppendAllText(results, "{not json\n");
        var run = await CliRun.InProcessAsync("figure", "2", "--results", results, "--out", Path.Combine(directory, "f.html"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
        Assert.Contains("t.jsonl line 2", run.Stderr);
    }

    [Theory]
    [InlineData("figure.svg", "--out must end in .html or .png")]
    [InlineData("figure.html", "figure 3 needs --boost-mean and --boost-std")]
    public async Task Unusable_requests_fail_with_one_line(string output, string message)
    {
        string results = WriteTrials("t.jsonl", Trial("m", "steered", 10));
        var run = await CliRun.InProcessAsync("figure", "3", "--results", results, "--out", Path.Combine(directory, output));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(message, Assert.Single(run.StderrLines));
        Assert.False(File.Exists(Path.Combine(directory, output)));
    }

    [Fact]
    public async Task An_unknown_figure_is_a_usage_error()
    {
        var run = await CliRun.InProcessAsync("figure", "99", "--results", directory, "--out", Path.Combine(directory, "f.html"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
    }
}
