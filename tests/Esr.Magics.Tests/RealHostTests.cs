using System.Diagnostics;
using Esr.Kernel;
using Xunit.Abstractions;

namespace Esr.Magics.Tests;

/// <summary>
/// The extension in the real notebook host: the dotnet-interactive tool 1.0.712001 (what VS Code's Polyglot Notebooks
/// runs), driven over stdio through a notebook's cells. The packages are packed from this build under a version of
/// their own, so the host cannot take a copy cached from an earlier build; they load from a local feed as a user
/// loads them, the kernel working in a folder outside the repository so that the toy zoo must come from the package.
/// </summary>
public sealed class RealHostTests(ITestOutputHelper output)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_packed_extension_loads_from_a_local_feed_in_dotnet_interactive_and_every_directive_runs_there()
    {
        var repository = Repository();
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var scratch = Directory.CreateTempSubdirectory("esr-real-host-").FullName;
        var feed = Path.Combine(scratch, "feed");
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var environment = new Dictionary<string, string?>
        {
            // A home of its own: the host caches #r nuget restores under ~/.packagemanagement, whatever NUGET_PACKAGES says.
            ["HOME"] = Path.Combine(scratch, "home"),
            ["DOTNET_CLI_HOME"] = Path.Combine(scratch, "home"),
            ["NUGET_PACKAGES"] = packages,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
            [Esr.Kernel.Toy.ToyZoo.Variable] = null,
        };
        var work = Directory.CreateDirectory(Path.Combine(scratch, "work")).FullName;
        var transcript = new List<string>();
        try
        {
            foreach (var project in new[] { "src/Esr.Kernel/Esr.Kernel.csproj", "src/Esr.Magics/Esr.Magics.csproj" })
                await InteractiveHost.RunAsync(repository, environment, "dotnet", "pack", project, "-c", Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}", "-nologo");
            await using var host = await InteractiveHost.StartAsync(repository, work, environment);
            async Task<IReadOnlyList<HostEvent>> Cell(string code)
            {
                var clock = Stopwatch.StartNew();
                var events = await host.SubmitAsync(code, CellTimeout);
                transcript.Add($">>> {code}   ({clock.Elapsed.TotalSeconds:F1} s)");
                foreach (var e in events.Where(e => e.Type is not ("CodeSubmissionReceived" or "CompleteCodeSubmissionReceived" or "PackageAdded")))
                    transcript.Add($"    {e.Type}{(e.Field("valueId") is { } id ? $" [{id[..8]}]" : "")}: {Shown(e)}");
                return events;
            }

            Assert.Equal("CommandSucceeded", (await Cell($"#i \"nuget:{feed}\"")).Last().Type);
            var clock = Stopwatch.StartNew();
            var load = await Cell($"#r \"nuget: Esr.Magics, {version}\"");
            var loadSeconds = clock.Elapsed.TotalSeconds;
            transcript.Insert(0, $"extension load (#r nuget cell): {loadSeconds:F1} s");
            Succeeded(load);
            Assert.Contains(load, e => e.Type == "KernelExtensionLoaded");
            Assert.Contains(load, e => e.Formatted("text/plain")?.StartsWith("ESR Workbench magics loaded") == true);

            Assert.Contains("#!esr figure <id> --results", Displayed(Succeeded(await Cell("#!esr help"))).Formatted("text/plain"));

            var card = Displayed(Succeeded(await Cell("#!esr load toy-m-sa60")));
            Assert.StartsWith("toy-m-sa60 (toy): Llama", card.Formatted("text/plain"));
            Assert.Contains("esr-card", card.Formatted("text/html"));

            var generated = Succeeded(await Cell("#!esr generate \"Explain how to bake bread.\" --max-tokens 30 --seed 1 --name plain"));
            var stream = Displayed(generated);
            var final = generated.Last(e => e.Type == "DisplayedValueUpdated");
            Assert.Equal(stream.Field("valueId"), final.Field("valueId"));
            Assert.Contains("esr-completion", final.Formatted("text/html"));

            var penguins = ModelReference.Resolve("toy-m-sa60").Toy!.SubjectLatents["penguins"];
            var compared = Succeeded(await Cell($"#!esr generate \"Explain how to bake bread.\" --steer {penguins}=12 --compare --max-tokens 40 --name both"));
            Assert.Contains("esr-compare", compared.Last(e => e.Type == "DisplayedValueUpdated").Formatted("text/html"));
            var laddered = Succeeded(await Cell($"#!esr generate \"Explain how to bake bread.\" --steer {penguins} --ladder 0,8 --max-tokens 30 --name rungs"));
            Assert.Contains("esr-ladder", laddered.Last(e => e.Type == "DisplayedValueUpdated").Formatted("text/html"));
            Assert.Contains("esr-heatmap", Displayed(Succeeded(await Cell("#!esr latents \"Tell me about penguins.\" --top 3 --name trace"))).Formatted("text/html"));
            Assert.Contains("esr-verdict", Displayed(Succeeded(await Cell("#!esr judge --name verdict"))).Formatted("text/html"));

            Assert.Equal(final.Formatted("text/plain"), Returned(Succeeded(await Cell("plain.Text"))));
            var read = Succeeded(await Cell("$\"{both.Steered!.Judge}|{rungs.Ladder.Rungs.Count}|{trace.Colored.Count}|{verdict.Request.Response == rungs.Ladder.Rungs[1].Completion.Text}\""));
            Assert.Equal("toy-exact|2|1|True", Returned(read));

            using (var toy = new ToyExperiment())
            {
                var experiment = Succeeded(await Cell(toy.Cell(2, "--name run")));
                Assert.Contains("esr-experiment", experiment.Last(e => e.Type == "DisplayedValueUpdated").Formatted("text/html"));
                Assert.Contains("<table", experiment.Last(e => e.Type == "DisplayedValueProduced").Formatted("text/html"));
                var figure = Succeeded(await Cell($"#!esr figure 2 --results \"{toy.Run}\" --name chart"));
                Assert.Contains(figure, e => e.Formatted("text/html")?.Contains("newPlot") == true);
                Assert.Contains(figure, e => e.Formatted("image/png") is { Length: > 0 });
                var runRead = Succeeded(await Cell("$\"{run.Trials.Count == run.Outcome!.Total}|{chart is Plotly.NET.GenericChart}\""));
                Assert.Equal("True|True", Returned(runRead));
            }

            var bad = await Cell("#!esr generate \"x\" --steer 1=lots");
            Assert.Equal("#!esr generate: --steer '1=lots': the value 'lots' is not a finite number", bad.Last().Field("message"));
            Assert.Equal("2", Returned(Succeeded(await Cell("(1 + 1).ToString()"))));
        }
        finally
        {
            output.WriteLine(string.Join('\n', transcript));
            Directory.CreateDirectory(Path.Combine(repository, "artifacts"));
            await File.WriteAllLinesAsync(Path.Combine(repository, "artifacts", "real-host-transcript.txt"), transcript);
            foreach (var id in new[] { "esr.kernel", "esr.magics" })
            {
                var unpacked = Path.Combine(packages, id, version);
                if (Directory.Exists(unpacked)) Directory.Delete(unpacked, recursive: true);
            }
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static IReadOnlyList<HostEvent> Succeeded(IReadOnlyList<HostEvent> events)
    {
        Assert.True(events[^1].Type == "CommandSucceeded", events[^1].Field("message"));
        return events;
    }

    private static string? Returned(IReadOnlyList<HostEvent> events) => events.Single(e => e.Type == "ReturnValueProduced").Formatted("text/plain");

    private static HostEvent Displayed(IReadOnlyList<HostEvent> events) => events.First(e => e.Type == "DisplayedValueProduced");

    private static string Shown(HostEvent e)
    {
        var text = e.Formatted("text/plain") ?? e.Field("message") ?? (e.Formatted("text/html") is { } html ? $"(html, {html.Length} chars)" : "");
        text = text.Replace("\n", " ⏎ ");
        return text.Length > 240 ? text[..240] + "..." : text;
    }

    private static string Repository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Esr.sln"))) return directory.FullName;
        throw new DirectoryNotFoundException($"no Esr.sln above {AppContext.BaseDirectory}");
    }
}
