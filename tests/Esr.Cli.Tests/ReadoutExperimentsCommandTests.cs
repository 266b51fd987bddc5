using System.Text.Json;
using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;
using Esr.Kernel.Tests.Judging;

namespace Esr.Cli.Tests;

[Collection(TinyLlamaCollection.Name)]
public class ReadoutExperimentsCommandTests(TinyLlama tiny)
{
    private static TrialRecord Trial(int latent, int seed, string response, params double[] scores) =>
        new($"k{seed}", 1, "tiny", "steered", latent, $"label {latent}", "Explain how to bake bread.", 4, 4, seed, response,
            new JudgeVerdict(scores.Select((s, i) => new Attempt($"attempt {i}", s)).ToList(), "<json/>", null), null)
        {
            SourceFile = "experiment_results_tiny_20260101_000000.json",
        };

    private Task<string> WriteTrials(params TrialRecord[] trials) => TestRuns.WriteAsync(tiny.NewFolder(), trials);

    private string WriteDetectors(params int[] latents)
    {
        var path = Path.Combine(tiny.NewFolder(), "detectors.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { off_topic_detectors = latents }));
        return path;
    }

    private static readonly string[] DiscoveryPrompts = ["Explain how to tie a tie.", "How do you bake bread?"];

    private static string WriteDiscoveryPrompts(string folder)
    {
        var path = Path.Combine(folder, "prompts.txt");
        File.WriteAllText(path, string.Join('\n', DiscoveryPrompts));
        return path;
    }

    [Fact]
    public async Task Otd_discovery_writes_the_detector_file()
    {
        var folder = tiny.NewFolder();
        var prompts = WriteDiscoveryPrompts(folder);
        var outFile = Path.Combine(folder, "off_topic_detectors_tiny.json");

        var run = await CliRun.InProcessAsync("experiment", "3a", "--model", tiny.ModelDirectory, "--sae", SaeCommandTests.WriteSae(tiny.NewFolder()),
            "--layer", "1", "--prompts", prompts, "--out", outFile, "--max-tokens", "3", "--seed", "2");

        Assert.Equal("", run.Stderr);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("off-topic detectors over 2 prompts", run.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(outFile));
        Assert.Equal(2, json.RootElement.GetProperty("num_prompts").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("normal_responses").EnumerateObject().Count());
    }

    [Fact]
    public async Task Otd_discovery_responses_take_the_models_penalty_and_the_extra_header_as_the_original_generation_path()
    {
        var folder = tiny.NewFolder();
        var prompts = WriteDiscoveryPrompts(folder);
        // A folder name that gives the 8B's penalty (1.15) under the shipped code's path rule.
        var model = Path.Combine(folder, "Llama-3.1-8B-Instruct");
        Directory.CreateSymbolicLink(model, tiny.ModelDirectory);
        var saePath = SaeCommandTests.WriteSae(tiny.NewFolder());
        var outFile = Path.Combine(folder, "detectors.json");

        var run = await CliRun.InProcessAsync("experiment", "3a", "--model", model, "--sae", saePath, "--layer", "1", "--prompts", prompts,
            "--out", outFile, "--max-tokens", "8", "--seed", "2");

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(outFile));
        var written = json.RootElement.GetProperty("normal_responses").EnumerateObject().Select(p => p.Value.GetString()!).ToArray();
        IReadOnlyList<string> Responses(bool header, double penalty)
        {
            using var sae = SaeLoader.Load(saePath);
            var template = ChatTemplate.ForModelDirectory(tiny.ModelDirectory, new ChatTemplateOptions { AppendPapersExtraAssistantHeader = header });
            var readout = new ReadoutSetup(tiny.Model, tiny.Tokenizer, template, StopTokens.FromModelDirectory(tiny.ModelDirectory, tiny.Tokenizer), sae,
                HookPoint.ResidPost(1), HookPoint.ResidPost(1));
            return DetectorDiscovery.Run(readout, DiscoveryPrompts,
                new DetectorDiscoveryOptions { Seed = 2, Sampling = new SamplingOptions(0.6, 1.0, penalty, 8) }).NormalResponses;
        }
        Assert.Equal(Responses(header: true, penalty: 1.15), written);
        Assert.NotEqual(Responses(header: false, penalty: 1.0), written);
    }

    [Fact]
    public async Task Sequential_activations_write_the_json_and_the_per_token_table()
    {
        var folder = tiny.NewFolder();
        var example = Path.Combine(folder, "example.json");
        File.WriteAllText(example, JsonSerializer.Serialize(new
        {
            feature_idx = 4, feature_label = "poses", prompt = "Explain how to calculate probability.", seed = 1, threshold = 3.5,
            response = "Stand still. Wait, I made a mistake! In reality, probability is a ratio.",
        }));
        var outFile = Path.Combine(folder, "experiment_6_sequential_activations.json");
        var table = Path.Combine(folder, "figure6.csv");

        var run = await CliRun.InProcessAsync("experiment", "6", "--model", tiny.ModelDirectory, "--sae", SaeCommandTests.WriteSae(tiny.NewFolder()),
            "--layer", "1", "--steer-layer", "0", "--example", example, "--detectors", WriteDetectors(1, 2, 3), "--interest-latents", "3", "--out", outFile, "--table", table);

        Assert.Equal("", run.Stderr);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(outFile));
        var tokens = json.RootElement.GetProperty("token_strings").GetArrayLength();
        Assert.Equal(tokens, json.RootElement.GetProperty("activations").GetProperty("4").GetArrayLength());
        Assert.Equal("position,token,region,distractor,otd_sum,otd_sum_smoothed,latent_3,latent_3_smoothed", File.ReadLines(table).First());
        var frame = Microsoft.Data.Analysis.DataFrame.LoadCsv(table); // token texts with newlines are quoted
        Assert.Equal(tokens, frame.Rows.Count);
        Assert.Contains(",\"\n\n\",", File.ReadAllText(table));
    }

    [Fact]
    public async Task Sequential_activations_with_the_papers_detectors_on_a_small_sae_is_one_line_naming_the_latents()
    {
        var folder = tiny.NewFolder();
        var example = Path.Combine(folder, "example.json");
        File.WriteAllText(example, JsonSerializer.Serialize(new { feature_idx = 4, feature_label = "x", prompt = "p", seed = 1, threshold = 1.0, response = "r" }));

        var run = await CliRun.InProcessAsync("experiment", "6", "--model", tiny.ModelDirectory, "--sae", SaeCommandTests.WriteSae(tiny.NewFolder()),
            "--layer", "1", "--example", example, "--out", Path.Combine(folder, "out.json"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
        Assert.Contains("outside the SAE", run.Stderr);
    }

    [Fact]
    public async Task Regrade_samples_regrades_with_each_judge_and_writes_the_agreement_tables()
    {
        using var server = new LoopbackServer(_ => new ScriptedReply(200, WireFormats.OpenAiCompletion(WireFormats.TwoAttempts)));
        var trials = await WriteTrials(Trial(1, 1, "resp a", 10, 80), Trial(2, 2, "resp b", 50), Trial(3, 3, "resp c", 60));
        var outDir = tiny.NewFolder();

        var run = await CliRun.InProcessAsync("experiment", "7", "--trials", trials, "--judge", "judge-a", "--judge", "judge-b",
            "--base-url", new Uri(server.BaseUrl, "/v1").ToString(), "--out", outDir);

        Assert.Equal("", run.Stderr);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(6, server.Count);
        Assert.Single(Directory.GetFiles(outDir, "sample_metadata_*.json"));
        var regraded = Assert.Single(Directory.GetFiles(outDir, "regraded_judge-a_*.json"));
        using var json = JsonDocument.Parse(File.ReadAllText(regraded));
        Assert.Equal(3, json.RootElement.GetProperty("n_samples").GetInt32());
        // A header, the 3 original grades, and 3 rows per judge.
        Assert.Equal(10, File.ReadAllLines(Path.Combine(outDir, "experiment_7_cross_judge_trials.csv")).Length);
        Assert.StartsWith("judge_a,judge_b,n_shared,pearson_r_first_score", File.ReadAllLines(Path.Combine(outDir, "experiment_7_judge_agreement_metrics.csv"))[0]);
    }

    [Fact]
    public async Task Regrade_sends_every_cross_judge_the_judge_prompt_file_and_records_its_sha256()
    {
        using var server = new LoopbackServer(_ => new ScriptedReply(200, WireFormats.OpenAiCompletion(WireFormats.TwoAttempts)));
        var trials = await WriteTrials(Trial(1, 1, "resp a", 10, 80), Trial(2, 2, "resp b", 50));
        var (outDir, promptFile) = (tiny.NewFolder(), Path.Combine(tiny.NewFolder(), "judge_prompt.json"));
        File.WriteAllText(promptFile, """{"system": "Regrader system.", "instructions": "Regrader instructions."}""");

        var run = await CliRun.InProcessAsync("experiment", "7", "--trials", trials, "--judge", "judge-a", "--judge", "judge-b",
            "--base-url", new Uri(server.BaseUrl, "/v1").ToString(), "--out", outDir, "--judge-prompt-file", promptFile);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Equal(4, server.Count);
        Assert.All(server.Received, r => Assert.Contains("Regrader system.", r.Body));
        Assert.All(server.Received, r => Assert.Contains("Regrader instructions.\\n\\nPrompt: ", r.Body));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("Regrader system.\0Regrader instructions."u8));
        foreach (var file in Directory.GetFiles(outDir, "regraded_*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(expected, json.RootElement.GetProperty("judge_prompt_sha256").GetString());
        }
        Assert.Equal(2, Directory.GetFiles(outDir, "regraded_*.json").Length);
    }

    [Fact]
    public async Task Regrade_with_a_bad_trial_line_is_one_stderr_line_naming_the_file_and_line()
    {
        var path = Path.Combine(await WriteTrials(Trial(1, 1, "resp a", 10)), "trials.jsonl");
        File.AppendAllText(path, "{not json\n");

        var run = await CliRun.InProcessAsync("experiment", "7", "--trials", path, "--judge", "x", "--out", tiny.NewFolder());

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
        Assert.Contains("trials.jsonl, line 2", run.Stderr);
    }

    [Fact]
    public async Task Episodes_runs_the_pipeline_with_an_annotator_at_an_endpoint()
    {
        const string response = "Stand on one leg now. Wait, wrong topic! Bread needs flour, water and heat.";
        using var server = new LoopbackServer(_ => new ScriptedReply(200, WireFormats.OpenAiCompletion(
            "```json\n{\"off_topic_char_start\": 0, \"correction_char_start\": 22, \"on_topic_char_start\": 41, \"correction_phrase\": \"Wait\", \"notes\": \"\"}\n```")));
        var trials = await WriteTrials(Trial(4, 1, response, 10, 80), Trial(4, 2, response.Replace("leg", "foot", StringComparison.Ordinal), 20, 70), Trial(4, 3, "Bread is baked.", 90));
        var outDir = tiny.NewFolder();

        var run = await CliRun.InProcessAsync("experiment", "9", "--trials", trials, "--model", tiny.ModelDirectory, "--sae", SaeCommandTests.WriteSae(tiny.NewFolder()),
            "--layer", "1", "--annotator", "annotator-model", "--base-url", new Uri(server.BaseUrl, "/v1").ToString(), "--out", outDir,
            "--detectors", WriteDetectors(1, 2, 3), "--backtracking-latents", "5,6");

        Assert.Equal("", run.Stderr);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("2 episodes, 2 with valid boundaries, 1 baseline", run.Stdout);
        foreach (var file in new[] { "episodes.json", "episodes_annotated.json", "episode_metadata.json", "analysis_results.json", "baseline_stats.json", "experiment_9_aligned_overlay.csv", "experiment_9_baseline_comparison.csv", "summary_table.csv", "otd_table.csv", "backtracking_table.csv" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(outDir, "activations"), "*.npz").Length);

        // Figures A.15 and A.16 read back what the run saved.
        foreach (var id in new[] { "A15", "A16" })
        {
            var figure = await CliRun.InProcessAsync("figure", id, "--results", outDir, "--out", Path.Combine(outDir, $"{id}.html"));
            Assert.Equal((0, ""), (figure.ExitCode, figure.Stderr));
        }
    }
}
