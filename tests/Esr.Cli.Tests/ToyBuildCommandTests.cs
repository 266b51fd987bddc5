using Esr.Kernel.Tests.Models;

namespace Esr.Cli.Tests;

/// <summary><c>esr toy build</c>'s refusals, which come before any training (a whole build takes half an hour).</summary>
public sealed class ToyBuildCommandTests : IDisposable
{
    private readonly TemporaryDirectory folder = new();

    private string directory => folder.Path;

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Jobs_below_one_are_a_usage_error()
    {
        var result = await CliRun.InProcessAsync("toy", "build", "--jobs", "0", "--out", directory);

        Assert.Equal((ExitCodes.Usage, ""), (result.ExitCode, result.Stdout));
        Assert.Contains("--jobs", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task An_unknown_size_is_refused_before_any_job_starts()
    {
        var result = await CliRun.InProcessAsync("toy", "build", "--jobs", "2", "--size", "xl", "--out", directory);

        Assert.Equal((ExitCodes.Failure, ""), (result.ExitCode, result.Stdout));
        Assert.Equal("esr: --size xl: no such size (expected s, m, l)", Assert.Single(result.StderrLines));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }
}
