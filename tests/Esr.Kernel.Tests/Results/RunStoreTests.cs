using System.Text.Json.Nodes;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Results;

public sealed class RunStoreTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static TrialRecord Trial(string key, int latent = 7) =>
        new(key, 1, "toy", "steered", latent, "cats \"quoted\"\nnewline", "Explain how to bake bread.", 2.5, 2.5, 42, "Cats purr. Wait, bread.",
            new JudgeVerdict([new Attempt("Cats", 10), new Attempt("bread", null)], "raw <json>", null), null)
        { Judge = "scripted", AblatedLatents = [3, 4], BasePrompt = "base" };

    internal static RunManifest Manifest(string modelHash = "sha256:aa", int nFeatures = 500) =>
        new("1", "1.0", 5, "toy", modelHash, "sha256:bb", "scripted", null,
            new ExperimentSettings { Model = "toy", NFeatures = nFeatures }.ToJson(), new Dictionary<string, string> { ["q"] = "v" });

    [Fact]
    public async Task Appended_trials_read_back_field_for_field_one_line_each()
    {
        var store = new RunStore(_folder.Path);
        await store.AppendAsync([Trial("a"), Trial("b", 8)]);
        await store.AppendAsync([Trial("c")]);

        var read = store.ReadTrials();

        Assert.Equal(["a", "b", "c"], read.Select(r => r.Key));
        Assert.Equal(TrialJson.Line(Trial("b", 8)), TrialJson.Line(read[1]));
        Assert.Equal(3, File.ReadAllLines(store.TrialsPath).Length);
        Assert.Contains("\"ablated_latents\":[3,4]", File.ReadAllLines(store.TrialsPath)[0]);
    }

    [Fact]
    public async Task A_torn_last_line_is_skipped_by_readers_and_cut_off_when_the_writer_resumes()
    {
        var store = new RunStore(_folder.Path);
        var manifest = await store.StartOrResumeAsync(Manifest());
        await store.AppendAsync([Trial("a")]);
        var whole = new FileInfo(store.TrialsPath).Length;
        await File.AppendAllTextAsync(store.TrialsPath, TrialJson.Line(Trial("b"))[..40]);
        var torn = new FileInfo(store.TrialsPath).Length;

        // A reader (a figure, an export) may look at a live run: it skips the unfinished line and leaves the file alone.
        Assert.Equal(["a"], store.ReadTrials().Select(r => r.Key));
        Assert.Equal(torn, new FileInfo(store.TrialsPath).Length);

        await store.StartOrResumeAsync(manifest);
        Assert.Equal(whole, new FileInfo(store.TrialsPath).Length);
        await store.AppendAsync([Trial("c")]);
        Assert.Equal(["a", "c"], store.ReadTrials().Select(r => r.Key));
    }

    [Fact]
    public async Task Readers_keep_one_trial_per_key_the_first_whatever_the_file_holds()
    {
        var store = new RunStore(_folder.Path);
        await store.AppendAsync([Trial("a"), Trial("b")]);
        await store.AppendAsync([Trial("a") with { Response = "a second writer's" }, Trial("c"), Trial("b")]);

        var read = store.ReadTrials();

        Assert.Equal(["a", "b", "c"], read.Select(r => r.Key));
        Assert.Equal(Trial("a").Response, read[0].Response);
    }

    [Fact]
    public void A_second_writer_lock_on_a_folder_fails_naming_the_holder_and_succeeds_once_it_is_released()
    {
        var store = new RunStore(_folder.Path);
        using (store.LockForWriting())
        {
            var error = Assert.Throws<IOException>(() => new RunStore(_folder.Path).LockForWriting());
            Assert.Contains(RunLock.LockFile, error.Message);
            Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", error.Message);
        }
        // The files stay behind, as a killed writer would leave them; only a held handle blocks.
        Assert.True(File.Exists(Path.Combine(_folder.Path, RunLock.LockFile)));
        using var next = store.LockForWriting();
    }

    [Fact]
    public async Task A_complete_line_that_is_not_a_trial_is_an_error_naming_file_and_line()
    {
        var store = new RunStore(_folder.Path);
        await store.AppendAsync([Trial("a")]);
        await File.AppendAllTextAsync(store.TrialsPath, "{not json\n");

        var error = Assert.Throws<InvalidDataException>(store.ReadTrials);
        Assert.Contains("trials.jsonl, line 2", error.Message);
    }

    [Fact]
    public async Task Resuming_with_another_model_or_config_is_refused_naming_the_field()
    {
        var store = new RunStore(_folder.Path);
        var first = await store.StartOrResumeAsync(Manifest());
        await store.AppendAsync([Trial("a")]);

        var resumed = await store.StartOrResumeAsync(Manifest() with { CreatedUtc = DateTimeOffset.UnixEpoch });
        Assert.Null(first.FirstMismatch(resumed));
        Assert.Equal(first.CreatedUtc, resumed.CreatedUtc);
        Assert.Contains("model_hash differs", Assert.Throws<InvalidDataException>(() => store.StartOrResumeAsync(Manifest("sha256:cc")).GetAwaiter().GetResult()).Message);
        Assert.Contains("config.n_features differs", Assert.Throws<InvalidDataException>(() => store.StartOrResumeAsync(Manifest(nFeatures: 3)).GetAwaiter().GetResult()).Message);
    }

    [Fact]
    public async Task A_resume_must_repeat_the_dtype_but_may_run_on_another_device()
    {
        var store = new RunStore(_folder.Path);
        var first = await store.StartOrResumeAsync(Manifest() with { Dtype = "float32", Device = "cpu" });
        await store.AppendAsync([Trial("a")]);

        Assert.Equal(("float32", "cpu"), (store.ReadManifest()!.Dtype, store.ReadManifest()!.Device));
        Assert.Equal("dtype", first.FirstMismatch(first with { Dtype = "bfloat16" }));
        Assert.Null(first.FirstMismatch(first with { Device = "cuda:0" }));
        Assert.Null(first.FirstMismatch(first with { Dtype = null, Device = null })); // a run from before they were recorded
        Assert.Contains("dtype differs", Assert.Throws<InvalidDataException>(() => store.StartOrResumeAsync(first with { Dtype = "bfloat16" }).GetAwaiter().GetResult()).Message);
    }

    [Fact]
    public async Task The_manifest_round_trips_with_its_config_and_quirks()
    {
        var store = new RunStore(_folder.Path);
        var manifest = Manifest() with { BoostLevels = [0, 1.5], ThresholdCacheStats = new ThresholdCacheStats(1, 2) };
        await store.WriteManifestAsync(manifest);

        var read = store.ReadManifest()!;

        Assert.Null(read.FirstMismatch(manifest));
        Assert.Equal([0, 1.5], read.BoostLevels!);
        Assert.Equal(500, read.Config["n_features"]!.GetValue<int>());
        Assert.True(JsonNode.Parse(File.ReadAllText(store.ManifestPath))!["config"]!["calibration"]!["target"] is not null);
    }

    [Fact]
    public void Derived_seeds_lie_in_the_paper_range_and_depend_only_on_run_seed_and_purpose()
    {
        var seeds = Enumerable.Range(0, 2000).Select(i => RunSeeds.Derive(11, $"trial|{i}")).ToArray();

        Assert.All(seeds, seed => Assert.InRange(seed, 0, RunSeeds.MaxSeed));
        Assert.True(seeds.Distinct().Count() > 1990);
        Assert.Equal(seeds[5], RunSeeds.Derive(11, "trial|5"));
        Assert.NotEqual(seeds[5], RunSeeds.Derive(12, "trial|5"));
    }

    [Fact]
    public void Boost_levels_span_three_population_sds_and_clamp_at_zero()
    {
        var (levels, stats) = BoostSweep.Levels([0, 10], 10, 3);

        Assert.Equal(5, stats.Mean);
        Assert.Equal(5, stats.Std); // population SD: sqrt(((0-5)² + (10-5)²) / 2)
        Assert.Equal([0, 0, 0], levels.Take(3));
        Assert.Equal(20, levels[^1]);
        Assert.Equal(-10 + 5 * 30.0 / 9, levels[5], 12);
    }

    [Fact]
    public void A_model_identity_changes_with_a_tensor_header_but_not_with_unrelated_files()
    {
        File.WriteAllText(_folder.File("config.json"), "{\"hidden_size\": 8}");
        var weights = _folder.File("model.safetensors");
        WriteSafetensors(weights, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        var before = ModelIdentity.Hash(_folder.Path);
        File.WriteAllText(_folder.File("README.md"), "notes");
        Assert.Equal(before, ModelIdentity.Hash(_folder.Path));

        WriteSafetensors(weights, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]}}");
        Assert.NotEqual(before, ModelIdentity.Hash(_folder.Path));
    }

    private static void WriteSafetensors(string path, string header)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)bytes.Length));
        stream.Write(bytes);
        stream.Write(new byte[8]);
    }
}
