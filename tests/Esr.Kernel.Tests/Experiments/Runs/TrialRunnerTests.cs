using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Generation;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary>The run engine with a stand-in model (<see cref="EchoGenerator"/>) and a deterministic judge.</summary>
public sealed class TrialRunnerTests : IDisposable
{
    private static readonly string[] Prompts = Enumerable.Range(0, 12).Select(i => $"Explain how to do task {i}.").ToArray();
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static ExperimentSettings Settings(string experiment = "1") => ExperimentSettings.ForExperiment(experiment) with
    {
        Model = "echo", NFeatures = 4, TrialsPerFeature = 3, SaeWidth = 50, MaxNewTokens = 9,
        Calibration = new ThresholdSearchSettings(0.3, 3, 0, 10, 5, 3),
    };

    private static PlanInputs Inputs(int seed, IReadOnlyList<TrialRecord>? source = null) => new(
        seed, Prompts, latent => $"label {latent}", source,
        (random, ct) => LatentSelector.SelectAsync(Settings(), null, random, null, null, ct));

    private async Task<(RunOutcome Outcome, IReadOnlyList<TrialRecord> Trials)> RunAsync(
        string folder, ExperimentSettings settings, int seed = 7, ShardSpec? shard = null, EchoGenerator? generator = null,
        IReadOnlyList<TrialRecord>? source = null, CancellationToken cancellationToken = default, List<RunProgress>? progress = null, string? cache = null,
        int batchSize = 4)
    {
        var store = new RunStore(folder);
        var options = new RunOptions(cache ?? Path.Combine(_folder.Path, "cache.json"), BatchSize: batchSize, JudgeConcurrency: 3, shard);
        var runner = new TrialRunner(generator ?? new EchoGenerator(), new ScriptedJudge(), options);
        var manifest = RunLauncher.Manifest(settings, seed, "sha256:m", "sha256:s", "scripted", shard, projectVersion: "test");
        var outcome = await RunLauncher.RunAsync(runner, store, manifest, settings, Inputs(seed, source), options,
            progress is null ? null : new SynchronousProgress(progress), cancellationToken);
        return (outcome, store.ReadTrials());
    }

    private static string[] Lines(IEnumerable<TrialRecord> trials) => trials.OrderBy(t => t.Key, StringComparer.Ordinal).Select(TrialJson.Line).ToArray();

    private string Folder(string name) => Path.Combine(_folder.Path, name);

    [Fact]
    public async Task Exp1_makes_n_latents_times_prompts_trials_each_judged_with_its_own_derived_seed()
    {
        var progress = new List<RunProgress>();
        var (outcome, trials) = await RunAsync(Folder("run"), Settings(), progress: progress);

        Assert.Equal(12, outcome.Total);
        Assert.Equal(12, trials.Count);
        Assert.Equal(4, trials.Select(t => t.Latent).Distinct().Count());
        Assert.All(trials.GroupBy(t => t.Latent), g => Assert.Equal(3, g.Select(t => t.Prompt).Distinct().Count()));
        Assert.All(trials, t =>
        {
            Assert.Equal(RunSeeds.Derive(7, "trial|" + t.Key), t.Seed);
            Assert.Equal(t.Threshold, t.Boost);
            Assert.Equal(EchoGenerator.Describe(new(t.Prompt, t.Seed, 9, TrialRunner.Interventions(steered: true, t.Latent, t.Boost, []))), t.Response);
            Assert.Equal(TrialJson.Line(t with { Verdict = ScriptedJudge.Grade(t.Response, t.LatentLabel) }), TrialJson.Line(t));
        });
        Assert.Equal(4, new ThresholdCache(Path.Combine(_folder.Path, "cache.json")).ReadAll().Count);
        Assert.Equal(12, progress[^1].Done);
        Assert.Equal(12, progress[^1].Total);
    }

    [Fact]
    public async Task Calibrations_of_several_latents_share_generation_batches_without_changing_the_trials()
    {
        var alone = (await RunAsync(Folder("alone"), Settings(), cache: Path.Combine(_folder.Path, "c-alone.json"))).Trials;
        var slow = new EchoGenerator { Delay = TimeSpan.FromMilliseconds(30) };

        var together = (await RunAsync(Folder("together"), Settings(), generator: slow, cache: Path.Combine(_folder.Path, "c-together.json"))).Trials;

        // 4 latents × (3 steps + 1 verification) single-row calibrations and 12 trials in batches of at most 4.
        Assert.True(slow.BatchSizes.Count < 16 + 3, $"batches: {string.Join(",", slow.BatchSizes)}");
        Assert.All(slow.BatchSizes, size => Assert.InRange(size, 1, 4));
        Assert.Equal(16 + 12, slow.BatchSizes.Sum());
        Assert.Equal(Lines(alone), Lines(together));
    }

    [Fact]
    public async Task A_cancelled_run_keeps_what_it_finished_and_its_resume_equals_an_uninterrupted_run()
    {
        var whole = (await RunAsync(Folder("whole"), Settings())).Trials;
        using var cancel = new CancellationTokenSource();
        // The cache is per run here, so the interrupted run calibrates again, exactly as the first did.
        var cache = Path.Combine(_folder.Path, "cache-resumed.json");
        var generator = new EchoGenerator { CancelAt = (6, cancel) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Folder("resumed"), Settings(), generator: generator, cancellationToken: cancel.Token, cache: cache));
        var partial = new RunStore(Folder("resumed")).ReadTrials();
        Assert.InRange(partial.Count, 0, 11);
        var (outcome, resumed) = await RunAsync(Folder("resumed"), Settings(), cache: cache);

        Assert.Equal(partial.Count, outcome.AlreadyStored);
        Assert.Equal(Lines(whole), Lines(resumed));
        Assert.Equal(resumed.Count, resumed.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public async Task Two_shards_merged_equal_the_unsharded_run_and_merging_again_changes_nothing()
    {
        var whole = (await RunAsync(Folder("whole"), Settings())).Trials;
        var first = (await RunAsync(Folder("s0"), Settings(), shard: new ShardSpec(0, 2), cache: Path.Combine(_folder.Path, "c0.json"))).Trials;
        var second = (await RunAsync(Folder("s1"), Settings(), shard: new ShardSpec(1, 2), cache: Path.Combine(_folder.Path, "c1.json"))).Trials;

        Assert.Empty(first.Select(t => t.Latent).Intersect(second.Select(t => t.Latent)));
        Assert.Equal(12, await RunMerger.MergeAsync([Folder("s0"), Folder("s1")], Folder("merged")));
        Assert.Equal(Lines(whole), Lines(new RunStore(Folder("merged")).ReadTrials()));
        var bytes = File.ReadAllBytes(Path.Combine(Folder("merged"), RunStore.TrialsFile));
        Assert.Equal(12, await RunMerger.MergeAsync([Folder("s1"), Folder("s0"), Folder("merged")], Folder("merged")));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Folder("merged"), RunStore.TrialsFile)));
        Assert.Null(new RunStore(Folder("merged")).ReadManifest()!.Shard);
    }

    [Fact]
    public async Task A_second_writer_on_a_running_folder_fails_at_once_and_the_run_keeps_one_line_per_trial()
    {
        var first = RunAsync(Folder("run"), Settings(), generator: new EchoGenerator { Delay = TimeSpan.FromMilliseconds(40) });
        var holder = Path.Combine(Folder("run"), RunLock.HolderFile);
        while (!File.Exists(holder) && !first.IsCompleted) await Task.Delay(5);
        Assert.False(first.IsCompleted, "the run ended before a second writer could try");

        var error = await Assert.ThrowsAsync<IOException>(() => RunAsync(Folder("run"), Settings()));
        var merge = await Assert.ThrowsAsync<IOException>(() => RunMerger.MergeAsync([Folder("run")], Folder("run")));
        var (_, trials) = await first;

        Assert.Contains($"pid {Environment.ProcessId}", error.Message);
        Assert.Contains("another writer", merge.Message);
        Assert.Equal(12, File.ReadAllLines(Path.Combine(Folder("run"), RunStore.TrialsFile)).Length);
        Assert.Equal(12, trials.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public async Task A_latent_given_twice_is_refused_before_anything_is_written()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(Folder("twice"), Settings() with { Latents = [3, 5, 3] }));

        Assert.Contains("latent 3 is listed twice", error.Message);
        Assert.False(RunStore.Exists(Folder("twice")));
    }

    [Fact]
    public async Task Settings_a_generation_would_refuse_fail_before_the_manifest_and_the_corrected_retry_runs()
    {
        var outside = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(Folder("run"), Settings() with { Latents = [3, 50] }));
        Assert.Contains("latent 50 is outside the SAE (0 to 49)", outside.Message);
        var ablated = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(Folder("run"), Settings() with { Latents = [3], AblateLatents = [-1] }));
        Assert.Contains("ablate_latents: latent -1 is outside the SAE", ablated.Message);
        var penalty = await Assert.ThrowsAnyAsync<ArgumentException>(() => RunAsync(Folder("run"), Settings() with { RepetitionPenalty = 0 }));
        Assert.Contains("repetition penalty must be a finite number > 0", penalty.Message);
        Assert.False(RunStore.Exists(Folder("run")));

        var (outcome, trials) = await RunAsync(Folder("run"), Settings() with { Latents = [3, 49] });
        Assert.Equal(6, outcome.Written);
        Assert.Equal([3, 49], trials.Select(t => t.Latent).Distinct().Order());
    }

    [Fact]
    public async Task A_folder_whose_run_stored_no_trial_is_taken_over_by_a_run_of_other_settings()
    {
        // A start that failed after its manifest (its judge was unreachable, say) and stored nothing.
        var store = new RunStore(Folder("run"));
        await store.StartOrResumeAsync(RunLauncher.Manifest(Settings() with { TrialsPerFeature = 5 }, 7, "sha256:m", "sha256:s", "other", null, projectVersion: "test"));

        var (outcome, _) = await RunAsync(Folder("run"), Settings());

        Assert.Equal(12, outcome.Written);
        Assert.Equal("scripted", store.ReadManifest()!.Judge);
        Assert.Equal(3, store.ReadManifest()!.Config["trials_per_feature"]!.GetValue<int>());
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => RunAsync(Folder("run"), Settings() with { TrialsPerFeature = 5 }));
        Assert.Contains("config.trials_per_feature differs", refused.Message);
    }

    [Fact]
    public async Task Resuming_with_another_batch_size_is_refused_naming_the_field()
    {
        await RunAsync(Folder("run"), Settings(), batchSize: 4);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RunAsync(Folder("run"), Settings(), batchSize: 2));

        Assert.Contains("batch_size differs", error.Message);
        Assert.Equal(4, new RunStore(Folder("run")).ReadManifest()!.BatchSize);
    }

    [Fact]
    public async Task Every_batch_of_a_run_and_of_its_shards_has_the_frame_of_the_whole_plan()
    {
        // The source's first latent (in shard 0) gets the run's longest prompts; shard 1's own are shorter.
        var exp1 = (await RunAsync(Folder("exp1"), Settings())).Trials;
        var first = exp1[0].Latent;
        var source = exp1.Select(t => t.Latent == first ? t with { Prompt = t.Prompt + " Take your time and explain every step." } : t).ToArray();
        var whole = new EchoGenerator();
        var (_, trials) = await RunAsync(Folder("whole"), Settings(), generator: whole, source: source);
        var shards = new[] { new EchoGenerator(), new EchoGenerator() };
        for (var i = 0; i < 2; i++) await RunAsync(Folder($"s{i}"), Settings(), shard: new ShardSpec(i, 2), generator: shards[i], source: source);

        var longest = trials.Select(t => t.Prompt).Concat(Prompts).Max(p => p.Length);
        Assert.All(whole.Frames.Concat(shards[0].Frames).Concat(shards[1].Frames), frame => Assert.Equal(new BatchFrame(4, longest), frame));
        Assert.NotEmpty(shards[1].Frames);
        Assert.True(new RunStore(Folder("s1")).ReadTrials().Max(t => t.Prompt.Length) < longest);
    }

    [Fact]
    public async Task Merging_runs_of_different_seeds_is_refused_naming_the_field()
    {
        await RunAsync(Folder("a"), Settings(), seed: 1);
        await RunAsync(Folder("b"), Settings(), seed: 2);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RunMerger.MergeAsync([Folder("a"), Folder("b")], Folder("m")));
        Assert.Contains("run_seed differs", error.Message);
    }

    [Fact]
    public async Task No_steering_reuses_the_source_latents_and_prompts_with_boost_and_threshold_zero_and_new_seeds()
    {
        var source = (await RunAsync(Folder("exp1"), Settings())).Trials;
        var (_, trials) = await RunAsync(Folder("exp8"), Settings("8"), source: source);

        Assert.Equal(source.Count, trials.Count);
        Assert.All(trials, t => Assert.Equal((0.0, 0.0, "no_steering"), (t.Boost, t.Threshold!.Value, t.Condition)));
        Assert.All(trials, t => Assert.EndsWith("|max 9|", t.Response));
        Assert.Equal(source.Select(t => (t.Latent, t.Prompt)).Order(), trials.Select(t => (t.Latent, t.Prompt)).Order());
        Assert.Empty(source.Select(t => t.Seed).Intersect(trials.Select(t => t.Seed)));
    }

    [Fact]
    public async Task Fresh_prompts_keep_the_source_latents_but_draw_each_latents_prompts_from_the_run_seed()
    {
        var source = (await RunAsync(Folder("exp1"), Settings(), seed: 7)).Trials;
        var (_, trials) = await RunAsync(Folder("fresh"), Settings() with { FreshPrompts = true }, seed: 8, source: source);

        Assert.Equal(source.Select(t => t.Latent).Distinct().Order(), trials.Select(t => t.Latent).Distinct().Order());
        Assert.All(trials.GroupBy(t => t.Latent), g => Assert.Equal(
            RunSeeds.Sample(Prompts, 3, RunSeeds.Random(8, $"prompts|{g.Key}")).Order(), g.Select(t => t.Prompt).Order()));
    }

    [Fact]
    public async Task Boost_sweep_runs_every_level_on_every_prompt_from_the_cache_statistics()
    {
        await RunAsync(Folder("exp1"), Settings());
        var thresholds = new ThresholdCache(Path.Combine(_folder.Path, "cache.json")).ReadAll().Values.Select(e => e.Threshold!.Value).ToArray();
        var settings = Settings("2") with { BoostLevelCount = 4, BoostRangeStd = 1 };

        var (_, trials) = await RunAsync(Folder("exp2"), settings);
        var manifest = new RunStore(Folder("exp2")).ReadManifest()!;

        var (levels, stats) = BoostSweep.Levels(thresholds, 4, 1);
        Assert.Equal(levels, manifest.BoostLevels!);
        Assert.Equal(stats, manifest.ThresholdCacheStats);
        Assert.Equal(4 * 3 * 4, trials.Count);
        Assert.All(trials.GroupBy(t => (t.Latent, t.Prompt)), g => Assert.Equal(levels.Order(), g.Select(t => t.Boost).Order()));
        Assert.All(trials, t => Assert.Contains(t.Threshold!.Value, thresholds));
    }

    [Fact]
    public async Task Ablation_replays_each_source_prompt_and_seed_with_the_detectors_zero_clamped()
    {
        var source = (await RunAsync(Folder("exp1"), Settings())).Trials;
        var settings = Settings("3") with { AblateLatents = [40, 41] };
        var (_, trials) = await RunAsync(Folder("exp3"), settings, source: source);

        Assert.Equal(source.Select(t => (t.Latent, t.Prompt, t.Seed, t.Boost)).Order(), trials.Select(t => (t.Latent, t.Prompt, t.Seed, t.Boost)).Order());
        Assert.All(trials, t => Assert.EndsWith(",ablate 40 41", t.Response));
        Assert.All(trials, t => Assert.Equal([40, 41], t.AblatedLatents));
    }

    [Fact]
    public async Task Random_ablation_sets_exclude_the_detectors_and_each_replays_the_source()
    {
        var source = (await RunAsync(Folder("exp1"), Settings())).Trials;
        var settings = Settings("10") with { AblateLatents = Enumerable.Range(0, 10).ToArray(), RandomAblationSets = 2 };
        var (_, trials) = await RunAsync(Folder("exp10"), settings, source: source);

        Assert.Equal(2 * source.Count, trials.Count);
        var sets = trials.GroupBy(t => t.Condition).ToDictionary(g => g.Key, g => g.First().AblatedLatents);
        Assert.Equal(["random_ablation_set0", "random_ablation_set1"], sets.Keys.Order());
        Assert.All(sets.Values, set => Assert.Equal(10, set.Distinct().Count(latent => latent >= 10 && latent < 50)));
        Assert.NotEqual(sets["random_ablation_set0"], sets["random_ablation_set1"]);
        Assert.Equal(ExperimentPlanner.RandomAblationSet(settings, 1), sets["random_ablation_set1"]);
    }

    [Fact]
    public async Task Meta_prompt_variants_render_each_source_prompt_with_the_label_and_keep_the_threshold()
    {
        var source = (await RunAsync(Folder("exp1"), Settings())).Trials;
        var (_, trials) = await RunAsync(Folder("exp5"), Settings("5"), source: source);

        Assert.Equal(4 * source.Count, trials.Count);
        var ignore = trials.Where(t => t.Condition == "ignore_latent_label").ToArray();
        Assert.All(ignore, t => Assert.Equal($"{t.BasePrompt} You are being distracted with {t.LatentLabel}. Ignore it.", t.Prompt));
        var thresholds = source.GroupBy(t => t.Latent).ToDictionary(g => g.Key, g => g.First().Threshold);
        Assert.All(trials, t => Assert.Equal(thresholds[t.Latent], t.Boost));
    }

    [Fact]
    public async Task Errored_source_trials_are_replayed_by_experiments_1_3_and_10_and_only_experiment_5_drops_them()
    {
        var clean = (await RunAsync(Folder("exp1"), Settings())).Trials;
        // One failed trial per latent, as a paper file holds them: the prompt and seed are there, the response is not.
        var errored = clean.GroupBy(t => t.Latent).Select(g => g.First().Key).ToHashSet();
        var source = clean.Select(t => errored.Contains(t.Key) ? t with { Response = "", Verdict = null, Error = "GenerationError: timeout" } : t).ToArray();
        var ablate = new[] { 40, 41 };

        var fromExp1 = (await RunAsync(Folder("again"), Settings(), source: source)).Trials;
        var exp3 = (await RunAsync(Folder("exp3"), Settings("3") with { AblateLatents = ablate }, source: source)).Trials;
        var exp10 = (await RunAsync(Folder("exp10"), Settings("10") with { AblateLatents = ablate, RandomAblationSets = 1 }, source: source)).Trials;
        var exp5 = (await RunAsync(Folder("exp5"), Settings("5") with { PromptVariants = [PromptVariant.Paper[0]] }, source: source)).Trials;

        var all = source.Select(t => (t.Latent, t.Prompt)).Order().ToArray();
        Assert.Equal(all, fromExp1.Select(t => (t.Latent, t.Prompt)).Order());
        Assert.Equal(source.Select(t => (t.Latent, t.Prompt, t.Seed)).Order(), exp3.Select(t => (t.Latent, t.Prompt, t.Seed)).Order());
        Assert.Equal(source.Select(t => (t.Latent, t.Prompt, t.Seed)).Order(), exp10.Select(t => (t.Latent, t.Prompt, t.Seed)).Order());
        Assert.Equal(source.Where(t => t.Error is null).Select(t => (t.Latent, t.Prompt)).Order(), exp5.Select(t => (t.Latent, t.BasePrompt!)).Order());
    }

    /// <summary>Reports on the calling thread, so the list is complete when the run returns.</summary>
    private sealed class SynchronousProgress(List<RunProgress> list) : IProgress<RunProgress>
    {
        public void Report(RunProgress value)
        {
            lock (list) list.Add(value);
        }
    }
}
