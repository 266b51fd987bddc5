using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Judging;

namespace Esr.Cli.Tests;

/// <summary>The judge's side of <c>esr experiment</c>: its prompt file, what a hostile or broken judge can do to a run.</summary>
public partial class ExperimentCommandTests
{
    private string WriteJudgePrompt(string system, string instructions)
    {
        var path = Path.Combine(tiny.NewFolder(), "judge_prompt.json");
        File.WriteAllText(path, new JsonObject { ["system"] = system, ["instructions"] = instructions }.ToJsonString());
        return path;
    }

    [Fact]
    public async Task A_judge_prompt_file_is_what_the_judge_is_sent_its_sha256_is_in_the_manifest_and_a_resume_with_another_is_refused()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "run");
        string[] Run(params string[] more) => Args(judge, "1", sae, folder, ["--n-features", "1", "--n-trials", "1", .. more]);

        await RunAsync(Run("--judge-prompt-file", WriteJudgePrompt("Grader one.", "Instructions one.")));

        Assert.All(judge.Received, r => Assert.Contains("Grader one.", r.Body));
        Assert.All(judge.Received, r => Assert.Contains("Instructions one.\\n\\nPrompt: ", r.Body));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("Grader one.\0Instructions one.")));
        var manifest = JsonNode.Parse(File.ReadAllText(new RunStore(folder).ManifestPath))!;
        Assert.Equal(expected, manifest["judge_prompt_sha256"]!.GetValue<string>());

        var other = await CliRun.InProcessAsync(Run("--judge-prompt-file", WriteJudgePrompt("Grader two.", "Instructions one.")));
        var builtIn = await CliRun.InProcessAsync(Run());

        Assert.Equal((1, 1), (other.ExitCode, builtIn.ExitCode));
        Assert.Contains("judge_prompt_sha256 differs", Assert.Single(other.StderrLines));
        Assert.Contains("judge_prompt_sha256 differs", Assert.Single(builtIn.StderrLines));
    }

    [Fact]
    public async Task A_judge_prompt_file_that_is_missing_or_lacks_a_text_is_one_line_naming_the_option_before_any_call()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var missing = Path.Combine(tiny.NewFolder(), "nowhere.json");
        var partial = WriteJudgePrompt("S", "");

        var runs = new[]
        {
            await CliRun.InProcessAsync(Args(judge, "1", sae, Path.Combine(tiny.NewFolder(), "a"), "--judge-prompt-file", missing)),
            await CliRun.InProcessAsync(Args(judge, "1", sae, Path.Combine(tiny.NewFolder(), "b"), "--judge-prompt-file", partial)),
        };

        Assert.All(runs, run => Assert.Equal((1, ""), (run.ExitCode, run.Stdout)));
        Assert.All(runs, run => Assert.StartsWith("esr: --judge-prompt-file: ", Assert.Single(run.StderrLines)));
        Assert.Contains(missing, runs[0].Stderr);
        Assert.Contains("needs non-empty \"system\" and \"instructions\"", runs[1].Stderr);
        Assert.Equal(0, judge.Count);
    }

    [Fact]
    public async Task The_toy_judge_refuses_a_judge_prompt_file_naming_the_option()
    {
        using var unused = ExperimentFixture.Judge();
        var run = await CliRun.InProcessAsync(Args(unused, "1", ExperimentFixture.WriteSae(tiny.NewFolder()), Path.Combine(tiny.NewFolder(), "toy"),
            "--judge", "toy", "--judge-prompt-file", WriteJudgePrompt("S", "I")));

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("esr: --judge toy calls no model: it takes no ", line);
        Assert.Contains("--judge-prompt-file", line);
    }

    [Fact]
    public async Task A_judge_score_of_1e309_is_that_trials_judge_error_and_the_run_and_its_resume_finish()
    {
        using var judge = ExperimentFixture.Judge();
        using var overflowing = new LoopbackServer(_ => new ScriptedReply(200,
            WireFormats.OpenAiCompletion("<json>{\"attempts\": [{\"attempt_text\": \"x\", \"score\": 1e309}]}</json>")));
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var root = tiny.NewFolder();
        var source = Path.Combine(root, "exp1");
        await RunAsync(Args(judge, "1", sae, source, "--n-features", "1"));
        // With a judge cache: a verdict holding an infinite score could not be cached and stopped the run.
        string[] Baseline() => Args(overflowing, "8", sae, Path.Combine(root, "exp8"), "--from-results", source, "--judge-cache", Path.Combine(root, "cache"));

        var first = await RunAsync(Baseline());
        var resumed = await RunAsync(Baseline());

        var trials = Trials(Path.Combine(root, "exp8"));
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t => Assert.Equal("JudgeReplyFormatError: attempt 1's score 1e309 is outside 0-100", t.Verdict!.Error));
        Assert.Equal((0, 2), (first.GetProperty("included").GetInt32(), resumed.GetProperty("already_stored").GetInt32()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_key_the_judge_echoes_is_in_no_output_trial_cache_or_export(bool standardVariable)
    {
        using var key = new EchoedKey(standardVariable);
        using var echoing = EchoedKey.Server(_ => false);
        using var denying = EchoedKey.Server(_ => true);
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var root = tiny.NewFolder();
        var (source, baseline, cache, export) = (Path.Combine(root, "exp1"), Path.Combine(root, "exp8"), Path.Combine(root, "cache"), Path.Combine(root, "export"));

        var runs = new List<CliRun>
        {
            await CliRun.InProcessAsync(Args(echoing, "1", sae, source, ["--n-features", "1", "--judge-cache", cache, .. key.ExperimentOptions(echoing)])),
            await CliRun.InProcessAsync(Args(denying, "8", sae, baseline, ["--from-results", source, "--judge-cache", cache, .. key.ExperimentOptions(denying)])),
        };
        runs.Add(await CliRun.InProcessAsync("experiment", "export", "--run", source, "--format", "paper", "--out", export));
        runs.Add(await CliRun.InProcessAsync("experiment", "export", "--run", baseline, "--format", "paper", "--out", export));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Stderr));
        Assert.All(Trials(source), t => Assert.Contains("[redacted]", t.Verdict!.RawReply));
        Assert.All(Trials(baseline), t => Assert.Contains("[redacted]", t.Verdict!.Error));
        key.AssertNowhere(runs.SelectMany(run => new[] { run.Stdout, run.Stderr }), root);
    }
}
