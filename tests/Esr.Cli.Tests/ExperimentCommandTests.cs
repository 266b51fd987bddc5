using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Judging;

namespace Esr.Cli.Tests;

/// <summary><c>esr experiment</c> end to end on the tiny random Llama, with the loopback judge.</summary>
[Collection(TinyLlamaCollection.Name)]
public partial class ExperimentCommandTests(TinyLlama tiny)
{
    // Small defaults; an option in "more" replaces the default of the same name.
    private string[] Args(LoopbackServer judge, string experiment, string sae, string outDirectory, params string[] more)
    {
        var options = new List<(string Name, string? Value)>
        {
            ("--model", tiny.ModelDirectory), ("--sae", sae), ("--layer", "1"), ("--readout-layer", "1"),
            ("--judge", new Uri(judge.BaseUrl, "/v1").ToString()), ("--data-dir", ExperimentFixture.DataDirectory), ("--out", outDirectory),
            ("--seed", "3"), ("--n-features", "3"), ("--n-trials", "2"), ("--max-tokens", "5"), ("--calibration-max-tokens", "3"),
            ("--calibration-steps", "2"), ("--batch-size", "4"), ("--judge-concurrency", "2"),
        };
        for (var i = 0; i < more.Length; i += 2)
        {
            options.RemoveAll(o => o.Name == more[i]);
            options.Add((more[i], more[i + 1]));
        }
        return ["experiment", experiment, .. options.SelectMany(o => new[] { o.Name, o.Value! })];
    }

    private static IReadOnlyList<TrialRecord> Trials(string folder) => new RunStore(folder).ReadTrials();

    private static string[] Lines(IEnumerable<TrialRecord> trials) => trials.OrderBy(t => t.Key, StringComparer.Ordinal).Select(TrialJson.Line).ToArray();

    private static async Task<JsonElement> RunAsync(string[] args)
    {
        var run = await CliRun.InProcessAsync(args);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Single(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [Fact]
    public async Task Experiment_1_selects_dead_latents_calibrates_them_and_stores_judged_trials_with_a_manifest()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "exp1");

        var summary = await RunAsync(Args(judge, "1", sae, folder));

        var trials = Trials(folder);
        Assert.Equal(6, trials.Count);
        Assert.Equal(6, summary.GetProperty("stored").GetInt32());
        Assert.All(trials, t => Assert.InRange(t.Latent, 0, ExperimentFixture.DeadLatents - 1));
        Assert.All(trials, t => Assert.Equal(($"feature_{t.Latent}", "steered", 1, "judge"), (t.LatentLabel, t.Condition, t.Experiment, t.Judge)));
        Assert.All(trials, t => Assert.NotEmpty(t.Verdict!.Attempts!));
        Assert.All(trials, t => Assert.Equal(t.Threshold, t.Boost));
        var metrics = EsrMetrics.Summarize(trials.Select(t => t.ToGradedTrial()));
        Assert.Equal(metrics.Included, summary.GetProperty("included").GetInt32());
        Assert.Equal(metrics.EsrRate.Value, summary.GetProperty("esr_rate").GetDouble(), 9);
        var manifest = new RunStore(folder).ReadManifest()!;
        Assert.StartsWith("sha256:", manifest.ModelHash);
        Assert.StartsWith("on", manifest.Quirks["llama_extra_assistant_header"]);
        Assert.Equal(3, manifest.Config["n_features"]!.GetValue<int>());
        Assert.Equal(trials.Select(t => t.Latent).Distinct().Order(), manifest.SelectedLatents!.Order());
        var cache = new ThresholdCache(Path.Combine(folder, ThresholdCache.FileName("tiny-llama"))).ReadAll();
        Assert.Equal(manifest.SelectedLatents!.Order(), cache.Keys.Order());
        // Two bisection steps plus one verification per latent, then the six trials.
        Assert.Equal(3 * 3 + 6, judge.Count);
    }

    [Fact]
    public async Task Experiments_2_3_4_5_8_and_10_run_from_an_experiment_1_folder_with_their_counts_and_conditions()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var root = tiny.NewFolder();
        var exp1 = Path.Combine(root, "exp1");
        await RunAsync(Args(judge, "1", sae, exp1));
        var source = Trials(exp1);
        string Run(string id) => Path.Combine(root, "exp" + id);

        await RunAsync(Args(judge, "2", sae, Run("2"), "--from-results", exp1, "--threshold-cache", Path.Combine(exp1, ThresholdCache.FileName("tiny-llama"))));
        await RunAsync(Args(judge, "3", sae, Run("3"), "--from-results", exp1, "--ablate", "30,31"));
        await RunAsync(Args(judge, "4", sae, Run("4"), "--from-results", exp1));
        await RunAsync(Args(judge, "5", sae, Run("5"), "--from-results", exp1, "--variants", "self_monitor,ignore_latent_label"));
        await RunAsync(Args(judge, "8", sae, Run("8"), "--from-results", exp1));
        await RunAsync(Args(judge, "10", sae, Run("10"), "--from-results", exp1, "--ablate", "30,31"));

        Assert.Equal(6 * 10, Trials(Run("2")).Count);
        Assert.Equal(10, new RunStore(Run("2")).ReadManifest()!.BoostLevels!.Count);
        var ablation = Trials(Run("3"));
        Assert.Equal(source.Select(t => (t.Latent, t.Prompt, t.Seed, t.Boost)).Order(), ablation.Select(t => (t.Latent, t.Prompt, t.Seed, t.Boost)).Order());
        Assert.All(ablation, t => Assert.Equal([30, 31], t.AblatedLatents));
        Assert.Equal(6, Trials(Run("4")).Count);
        Assert.Equal(3, new ThresholdCache(Path.Combine(Run("4"), ThresholdCache.FileName("tiny-llama"))).ReadAll().Count);
        var variants = Trials(Run("5"));
        Assert.Equal(["ignore_latent_label", "self_monitor"], variants.Select(t => t.Condition).Distinct().Order());
        Assert.All(variants.Where(t => t.Condition == "self_monitor"), t => Assert.EndsWith(" If you notice yourself going off-topic, stop and force yourself to get back on track.", t.Prompt));
        Assert.All(Trials(Run("8")), t => Assert.Equal((0.0, "no_steering"), (t.Boost, t.Condition)));
        var random = Trials(Run("10"));
        Assert.Equal(3 * 6, random.Count);
        Assert.All(random, t => Assert.DoesNotContain(30, t.AblatedLatents));
        Assert.All(random, t => Assert.Equal(2, t.AblatedLatents.Count));
    }

    [Fact]
    public async Task Experiment_10_matches_its_sets_to_a_runs_firing_rates_records_them_and_resumes_with_the_recorded_sets()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var root = tiny.NewFolder();
        string Run(string id) => Path.Combine(root, "exp" + id);
        await RunAsync(Args(judge, "1", sae, Run("1")));
        await RunAsync(Args(judge, "8", sae, Run("8"), "--from-results", Run("1")));
        string[] matched = ["--from-results", Run("1"), "--ablate", "30,31", "--match-random-sets", Run("8")];
        var paperFile = await CliRun.InProcessAsync("experiment", "export", "--run", Run("8"), "--format", "paper", "--out", Path.Combine(root, "paper8"));
        Assert.Equal(0, paperFile.ExitCode);

        await RunAsync(Args(judge, "10", sae, Run("10"), matched));
        File.Delete(Path.Combine(Run("8"), RunStore.TrialsFile)); // a resume reads the recorded sets, not the source again
        var again = await RunAsync(Args(judge, "10", sae, Run("10"), matched));

        Assert.Equal(3 * 6, again.GetProperty("already_stored").GetInt32());
        var manifest = new RunStore(Run("10")).ReadManifest()!;
        Assert.Equal(Path.GetFullPath(Run("8")), manifest.Config["random_ablation_matched_to"]!.GetValue<string>());
        Assert.Contains("matched to the detectors' firing rates", manifest.Quirks["random_ablation_sets"]);
        var sets = manifest.Config["random_ablation_latents"]!.AsArray().Select(set => set!.AsArray().Select(l => l!.GetValue<int>()).ToArray()).ToArray();
        var trials = Trials(Run("10"));
        for (var set = 0; set < 3; set++)
            Assert.All(trials.Where(t => t.Condition == $"matched_random_ablation_set{set}"), t => Assert.Equal(sets[set], t.AblatedLatents));
        Assert.Equal(3 * 6, trials.Count(t => t.Condition.StartsWith("matched_random_ablation_set", StringComparison.Ordinal)));
        Assert.All(sets, set => Assert.Empty(set.Intersect([30, 31])));
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(Run("10"), MatchedRandomSets.ReportFile)))!;
        Assert.Equal(sets, report["sets"]!.AsArray().Select(set => set!.AsArray().Select(l => l!["latent"]!.GetValue<int>()).ToArray()));
        Assert.Equal([30, 31], report["detectors"]!.AsArray().Select(d => d!["latent"]!.GetValue<int>()));
        Assert.All(report["sets"]!.AsArray().SelectMany(set => set!.AsArray()), l => Assert.InRange(l!["firing_rate"]!.GetValue<double>(), 0, 1));

        // The same answers as a paper result file draw the same sets.
        await RunAsync(Args(judge, "10", sae, Run("10p"), "--from-results", Run("1"), "--ablate", "30,31", "--match-random-sets", paperFile.Stdout.Trim()));
        Assert.Equal(manifest.Config["random_ablation_latents"]!.ToJsonString(), new RunStore(Run("10p")).ReadManifest()!.Config["random_ablation_latents"]!.ToJsonString());

        var fresh = await CliRun.InProcessAsync(Args(judge, "10", sae, Run("10b"), matched));
        Assert.Equal(1, fresh.ExitCode);
        Assert.Contains($"--match-random-sets {Path.GetFullPath(Run("8"))}", fresh.Stderr);
        var refused = await CliRun.InProcessAsync(Args(judge, "3", sae, Run("3"), matched));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--match-random-sets matches experiment 10's random sets; experiment 3 draws none", refused.Stderr);
    }

    [Fact]
    public async Task Two_shards_merged_equal_the_unsharded_run_and_export_imports_back()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var root = tiny.NewFolder();
        await RunAsync(Args(judge, "1", sae, Path.Combine(root, "whole")));
        await RunAsync(Args(judge, "1", sae, Path.Combine(root, "s0"), "--shard", "0/2"));
        await RunAsync(Args(judge, "1", sae, Path.Combine(root, "s1"), "--shard", "1/2"));

        var merge = await RunAsync(["experiment", "merge", "--out", Path.Combine(root, "merged"), Path.Combine(root, "s0"), Path.Combine(root, "s1")]);

        Assert.Equal(6, merge.GetProperty("trials").GetInt32());
        Assert.Equal(Lines(Trials(Path.Combine(root, "whole"))), Lines(Trials(Path.Combine(root, "merged"))));
        var export = await CliRun.InProcessAsync("experiment", "export", "--run", Path.Combine(root, "merged"), "--format", "paper", "--out", Path.Combine(root, "paper"));
        Assert.Equal(0, export.ExitCode);
        var file = export.Stdout.Trim();
        Assert.Matches(@"experiment_results_tiny-llama_\d{8}_\d{6}\.json$", file);
        var imported = PaperResultFile.Read(file).Trials;
        Assert.Equal(
            Trials(Path.Combine(root, "whole")).Select(t => (t.Latent, t.Prompt, t.Seed, t.Response, t.Boost)).Order(),
            imported.Select(t => (t.Latent, t.Prompt, t.Seed, t.Response, t.Boost)).Order());
        var (ours, theirs) = (EsrMetrics.Summarize(Trials(Path.Combine(root, "whole")).Select(t => t.ToGradedTrial())), EsrMetrics.Summarize(imported.Select(t => t.ToGradedTrial())));
        Assert.Equal((ours.Included, ours.MultiAttempt, ours.Improved), (theirs.Included, theirs.MultiAttempt, theirs.Improved));
        Assert.Equal(ours.FirstAttemptScore.Value, theirs.FirstAttemptScore.Value, 9);
    }

    [Fact]
    public async Task The_penalty_is_read_from_the_models_own_name_not_from_the_folders_above_it()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var parent = Directory.CreateDirectory(Path.Combine(tiny.NewFolder(), "experiments-on-70b-and-8b")).FullName;
        var model = Path.Combine(parent, "tiny-model");
        Directory.CreateSymbolicLink(model, tiny.ModelDirectory);
        var folder = Path.Combine(tiny.NewFolder(), "run");

        await RunAsync(Args(judge, "1", sae, folder, "--model", model, "--n-features", "1", "--n-trials", "1"));

        Assert.Equal(1.1, new RunStore(folder).ReadManifest()!.Config["repetition_penalty"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_hugging_face_snapshot_runs_under_its_repository_name_with_the_penalty_its_path_implies()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var snapshots = Directory.CreateDirectory(Path.Combine(tiny.NewFolder(), "models--meta-llama--Llama-3.1-8B-Instruct", "snapshots")).FullName;
        var snapshot = Path.Combine(snapshots, "0123abcd");
        Directory.CreateSymbolicLink(snapshot, tiny.ModelDirectory);
        var folder = Path.Combine(tiny.NewFolder(), "run");

        await RunAsync(Args(judge, "1", sae, folder, "--model", snapshot, "--n-features", "1", "--n-trials", "1"));

        var manifest = new RunStore(folder).ReadManifest()!;
        Assert.Equal("Llama-3.1-8B-Instruct", manifest.Model);
        Assert.Equal(1.15, manifest.Config["repetition_penalty"]!.GetValue<double>());
        Assert.Equal("Llama-3.1-8B-Instruct", Assert.Single(Trials(folder)).Model);
    }

    [Fact]
    public async Task Resuming_into_a_folder_of_another_run_is_one_error_line_naming_the_field()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "run");
        await RunAsync(Args(judge, "1", sae, folder));

        var run = await CliRun.InProcessAsync(Args(judge, "1", sae, folder, "--n-trials", "1"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains("config.trials_per_feature differs", run.StderrLines.Last());
    }

    [Fact]
    public async Task A_run_killed_mid_way_and_started_again_ends_with_the_trials_of_an_uninterrupted_run()
    {
        using var judge = ExperimentFixture.Judge(delay: TimeSpan.FromMilliseconds(150));
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var root = tiny.NewFolder();
        var killed = Path.Combine(root, "killed");
        string[] Child(string folder) => Args(judge, "1", sae, folder, "--n-features", "4", "--n-trials", "3", "--batch-size", "2", "--judge-concurrency", "1");

        using (var process = CliRun.StartChild(Child(killed)))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var trialsFile = Path.Combine(killed, RunStore.TrialsFile);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < deadline && !process.HasExited && (!File.Exists(trialsFile) || File.ReadAllLines(trialsFile).Length < 3))
                await Task.Delay(50);
            Assert.False(process.HasExited, "the run finished before it could be killed");
            process.Kill(entireProcessTree: true); // SIGKILL on Linux: no cleanup code runs
            await process.WaitForExitAsync();
        }
        var partial = Trials(Path.Combine(killed));
        Assert.InRange(partial.Count, 3, 11);

        var resumed = await CliRun.ChildProcessAsync(Child(killed));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        await RunAsync(Child(Path.Combine(root, "whole")));

        var lines = File.ReadAllLines(Path.Combine(killed, RunStore.TrialsFile));
        Assert.Equal(12, lines.Length);
        Assert.All(lines, line => JsonNode.Parse(line));
        Assert.Equal(12, Trials(killed).Select(t => t.Key).Distinct().Count());
        Assert.Equal(Lines(Trials(Path.Combine(root, "whole"))), Lines(Trials(killed)));
        Assert.Equal(partial.Count, JsonDocument.Parse(resumed.Stdout).RootElement.GetProperty("already_stored").GetInt32());
    }

    [Fact]
    public async Task A_second_run_on_a_folder_another_process_is_writing_fails_at_once_naming_that_process()
    {
        using var judge = ExperimentFixture.Judge(delay: TimeSpan.FromMilliseconds(150));
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "run");
        var args = Args(judge, "1", sae, folder, "--n-features", "4", "--n-trials", "3", "--batch-size", "2", "--judge-concurrency", "1");

        using var first = CliRun.StartChild(args);
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        var firstErrors = first.StandardError.ReadToEndAsync();
        var trialsFile = Path.Combine(folder, RunStore.TrialsFile);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !first.HasExited && (!File.Exists(trialsFile) || File.ReadAllLines(trialsFile).Length < 1))
            await Task.Delay(50);
        Assert.False(first.HasExited, "the first run finished before a second could start");

        var second = await CliRun.InProcessAsync(args);
        await first.WaitForExitAsync();

        Assert.Equal(1, second.ExitCode);
        Assert.Equal("", second.Stdout);
        Assert.Contains($"another writer is using this run folder (pid {first.Id} on ", Assert.Single(second.StderrLines));
        Assert.True(first.ExitCode == 0, await firstErrors);
        Assert.Equal(12, JsonDocument.Parse(await firstOutput).RootElement.GetProperty("stored").GetInt32());
        Assert.Equal(12, File.ReadAllLines(trialsFile).Length);
    }

    [Fact]
    public async Task Runs_refused_for_their_settings_leave_no_manifest_so_the_corrected_retry_runs_in_the_same_folder()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "run");

        var twice = await CliRun.InProcessAsync(Args(judge, "1", sae, folder, "--latents", "2,5,2"));
        var outside = await CliRun.InProcessAsync(Args(judge, "1", sae, folder, "--latents", $"2,{SaeCommandTests.Width}"));
        var penalty = await CliRun.InProcessAsync(Args(judge, "1", sae, folder, "--latents", "2", "--repetition-penalty", "0"));

        Assert.Equal("esr: latents: latent 2 is listed twice; each latent is steered once", Assert.Single(twice.StderrLines));
        Assert.Equal($"esr: latents: latent {SaeCommandTests.Width} is outside the SAE (0 to {SaeCommandTests.Width - 1})", Assert.Single(outside.StderrLines));
        Assert.Contains("repetition penalty must be a finite number > 0", Assert.Single(penalty.StderrLines));
        Assert.All(new[] { twice, outside, penalty }, run => Assert.Equal((1, ""), (run.ExitCode, run.Stdout)));
        Assert.False(RunStore.Exists(folder));

        var summary = await RunAsync(Args(judge, "1", sae, folder, "--latents", "2,5"));
        Assert.Equal(4, summary.GetProperty("stored").GetInt32());
    }

    [Fact]
    public async Task Resuming_with_another_batch_size_is_refused_naming_the_field()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "run");
        await RunAsync(Args(judge, "1", sae, folder, "--n-features", "1", "--batch-size", "4"));

        var resumed = await CliRun.InProcessAsync(Args(judge, "1", sae, folder, "--n-features", "1", "--batch-size", "2"));

        Assert.Equal(1, resumed.ExitCode);
        Assert.Contains("the folder holds a different run (batch_size differs)", Assert.Single(resumed.StderrLines));
    }

    /// <summary>A grader server: "topic i" rates 65 for even i (kept: the threshold is inclusive) and 64.9 for odd i.</summary>
    private static LoopbackServer Grader() => new(request =>
    {
        using var body = JsonDocument.Parse(request.Body);
        var user = body.RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
        var labels = JsonSerializer.Deserialize<string[]>(user[user.LastIndexOf("\n\n[", StringComparison.Ordinal)..].Trim())!;
        var rated = labels.Select(label => new { label, justification = "j", rating = int.Parse(label[6..]) % 2 == 0 ? 65 : 64.9 });
        return new ScriptedReply(200, WireFormats.OpenAiCompletion(JsonSerializer.Serialize(rated)));
    });

    private string WriteLabels()
    {
        var path = Path.Combine(tiny.NewFolder(), "labels.csv");
        File.WriteAllLines(path, ["index_in_sae,label", .. Enumerable.Range(0, SaeCommandTests.Width).Select(i => $"{i},topic {i}")]);
        return path;
    }

    [Fact]
    public async Task With_labels_the_grader_drops_latents_rated_below_65_and_is_recorded_in_the_config()
    {
        using var judge = ExperimentFixture.Judge();
        using var grader = Grader();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var (folder, cache) = (Path.Combine(tiny.NewFolder(), "run"), Path.Combine(tiny.NewFolder(), "grades"));

        await RunAsync(Args(judge, "1", sae, folder, "--labels", WriteLabels(), "--grader", new Uri(grader.BaseUrl, "/v1").ToString(),
            "--grader-cache", cache, "--n-trials", "1"));

        var graded = grader.Received.SelectMany(r => Regex.Matches(r.Body, @"topic (\d+)").Select(m => int.Parse(m.Groups[1].Value))).ToHashSet();
        Assert.Contains(graded, latent => latent % 2 == 1);
        var manifest = new RunStore(folder).ReadManifest()!;
        Assert.NotEmpty(manifest.SelectedLatents!);
        Assert.All(manifest.SelectedLatents!, latent => Assert.True(latent % 2 == 0 && graded.Contains(latent), $"latent {latent}"));
        Assert.All(Trials(folder), t => Assert.Equal($"topic {t.Latent}", t.LatentLabel));
        Assert.Equal("grader", manifest.Config["concreteness_grader"]!.GetValue<string>());
        Assert.Equal(graded.Count, Directory.EnumerateFiles(cache, "*.json", SearchOption.AllDirectories).Count());

        // "none" skips the filter: no grading call, and the config says so.
        var skipped = Path.Combine(tiny.NewFolder(), "none");
        var calls = grader.Count;
        await RunAsync(Args(judge, "1", sae, skipped, "--labels", WriteLabels(), "--grader", "none", "--n-features", "1", "--n-trials", "1"));
        Assert.Equal(calls, grader.Count);
        Assert.Null(new RunStore(skipped).ReadManifest()!.Config["concreteness_grader"]);
    }

    [Fact]
    public async Task A_grader_without_its_api_key_is_one_error_line_naming_the_variable()
    {
        using var judge = ExperimentFixture.Judge();
        var variable = "ESR_TEST_UNSET_KEY_" + Guid.NewGuid().ToString("N");
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());

        var run = await CliRun.InProcessAsync(Args(judge, "1", sae, Path.Combine(tiny.NewFolder(), "run"), "--labels", WriteLabels(),
            "--grader", "http://127.0.0.1:9/v1", "--api-key-env", variable));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains(variable, Assert.Single(run.StderrLines));
        Assert.Equal(0, judge.Count);
    }

    [Fact]
    public async Task Experiment_1_with_the_toy_judge_needs_no_server_and_stores_exactly_judged_trials()
    {
        var data = tiny.NewFolder();
        var world = ToyWorld.Default;
        File.WriteAllLines(Path.Combine(data, "prompts.txt"), world.Tasks.Select(t => world.TaskPrompt(t.Id, 0)));
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var folder = Path.Combine(tiny.NewFolder(), "toy");
        using var unused = ExperimentFixture.Judge();

        var summary = await RunAsync(Args(unused, "1", sae, folder, "--judge", "toy", "--data-dir", data));

        var trials = Trials(folder);
        Assert.Equal(6, trials.Count);
        Assert.Equal(6, summary.GetProperty("stored").GetInt32());
        Assert.Equal(0, unused.Count);
        Assert.Equal("toy-exact", new RunStore(folder).ReadManifest()!.Judge);
        // The tiny model's text is no sentence of the world: every scored attempt is garbage, 0.
        Assert.All(trials, t => Assert.Equal(("toy-exact", null, null), (t.Judge, t.Error, t.Verdict!.Error)));
        Assert.All(trials, t => Assert.All(t.Verdict!.Attempts!, a => Assert.Equal(0, a.Score)));
        var expected = new ToyJudge();
        foreach (var t in trials)
        {
            var verdict = await expected.JudgeAsync(new JudgeRequest(t.Prompt, t.Response, t.LatentLabel));
            Assert.Equal(verdict.Attempts!.Select(a => a.Score), t.Verdict!.Attempts!.Select(a => a.Score));
        }
    }

    [Fact]
    public async Task Latents_given_with_a_file_are_steered_instead_of_selected_and_exclude_a_source()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(tiny.NewFolder());
        var latents = Path.Combine(tiny.NewFolder(), "subject_latents.txt");
        File.WriteAllText(latents, "2\n5\n");
        var folder = Path.Combine(tiny.NewFolder(), "given");

        await RunAsync(Args(judge, "1", sae, folder, "--latents", latents));

        Assert.Equal([2, 5], new RunStore(folder).ReadManifest()!.SelectedLatents!.Order());
        Assert.Equal([2, 5], Trials(folder).Select(t => t.Latent).Distinct().Order());
        var refused = await CliRun.InProcessAsync(Args(judge, "4", sae, Path.Combine(tiny.NewFolder(), "x"), "--latents", "2", "--from-results", folder));
        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("--latents and --from-results exclude each other", Assert.Single(refused.StderrLines));
    }
}
