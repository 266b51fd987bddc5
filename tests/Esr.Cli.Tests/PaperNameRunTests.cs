using System.Text.Json;
using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Results;
using Esr.Kernel.Text;
using Esr.Kernel.Tests.Judging;
using static TorchSharp.torch;

namespace Esr.Cli.Tests;

/// <summary>
/// <c>esr experiment</c> with a paper short name: the paper's engine settings (final norm, SAE site, Exp 10's sets)
/// reach the run. A Hugging Face cache under a temporary <c>HF_HOME</c> holds tiny models under the paper's
/// repository names; <c>--layer 1 --readout-layer 1</c> fit the paper's configuration to their two blocks.
/// </summary>
[Collection(TinyLlamaCollection.Name)]
public sealed class PaperNameRunTests : IDisposable
{
    private readonly TinyLlama _tiny;
    private readonly string? _hfHomeBefore = Environment.GetEnvironmentVariable("HF_HOME");
    private readonly string _hfHome;

    public PaperNameRunTests(TinyLlama tiny)
    {
        _tiny = tiny;
        _hfHome = tiny.NewFolder();
        Environment.SetEnvironmentVariable("HF_HOME", _hfHome);
    }

    public void Dispose() => Environment.SetEnvironmentVariable("HF_HOME", _hfHomeBefore);

    /// <summary>Puts <paramref name="modelDirectory"/> into the cache as the snapshot of <paramref name="repoId"/>.</summary>
    private void Cache(string repoId, string modelDirectory)
    {
        var repository = Path.Combine(_hfHome, "hub", "models--" + repoId.Replace("/", "--"));
        Directory.CreateDirectory(Path.Combine(repository, "refs"));
        File.WriteAllText(Path.Combine(repository, "refs", "main"), "r0");
        Directory.CreateDirectory(Path.Combine(repository, "snapshots"));
        Directory.CreateSymbolicLink(Path.Combine(repository, "snapshots", "r0"), modelDirectory);
    }

    private static string[] Args(LoopbackServer judge, string experiment, string model, string sae, string outDirectory, params string[] more) =>
    [
        "experiment", experiment, "--model", model, "--sae", sae, "--layer", "1", "--readout-layer", "1",
        "--judge", new Uri(judge.BaseUrl, "/v1").ToString(), "--data-dir", ExperimentFixture.DataDirectory, "--out", outDirectory,
        "--seed", "3", "--n-trials", "1", "--max-tokens", "4", "--calibration-max-tokens", "2", "--calibration-steps", "1", "--batch-size", "4",
        .. more,
    ];

    private static async Task<RunManifest> RunAsync(string[] args)
    {
        var run = await CliRun.InProcessAsync(args);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return new RunStore(args[Array.IndexOf(args, "--out") + 1]).ReadManifest()!;
    }

    private static IReadOnlyList<TrialRecord> Trials(string folder) => new RunStore(folder).ReadTrials().OrderBy(t => t.Key, StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_llama_paper_name_generates_with_the_final_norm_quirk_recorded_and_false_turns_it_off()
    {
        Cache("meta-llama/Llama-3.1-8B-Instruct", _tiny.ModelDirectory);
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(_tiny.NewFolder());
        var (on, off) = (Path.Combine(_tiny.NewFolder(), "on"), Path.Combine(_tiny.NewFolder(), "off"));

        var withQuirk = await RunAsync(Args(judge, "1", "llama-3.1-8b", sae, on, "--latents", "25,26"));
        var without = await RunAsync(Args(judge, "1", "llama-3.1-8b", sae, off, "--latents", "25,26", "--paper-final-norm", "false"));

        Assert.True(withQuirk.Config["paper_final_norm"]!.GetValue<bool>());
        Assert.StartsWith("on (quirk 6", withQuirk.Quirks["llama_final_norm"]);
        Assert.Equal("off", without.Quirks["llama_final_norm"]);
        Assert.Equal(Trials(on).Select(t => (t.Latent, t.Prompt, t.Seed)), Trials(off).Select(t => (t.Latent, t.Prompt, t.Seed)));
        Assert.NotEqual(Trials(on).Select(t => t.Response), Trials(off).Select(t => t.Response));
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--paper-final-norm" }, true)]
    [InlineData(new[] { "--paper-final-norm", "false" }, false)]
    public void The_run_flag_is_unset_by_default_and_takes_an_optional_true_or_false(string[] flag, bool? value)
    {
        var parse = EsrCli.CreateRootCommand(TextWriter.Null).Parse(["experiment", "1", "--model", "m", "--judge", "j", .. flag]);

        Assert.Empty(parse.Errors);
        Assert.Equal(value, parse.GetValue<bool?>("--paper-final-norm"));
    }

    [Fact]
    public async Task A_gemma_paper_names_relevance_filter_reads_the_mlp_branch()
    {
        var gemma = Path.Combine(_tiny.NewFolder(), "gemma");
        var written = await CliRun.InProcessAsync("random-model", "--out", gemma, "--architecture", "gemma2", "--tokenizer", TestFiles.Gemma2TokenizerDirectory, "--seed", "4");
        Assert.True(written.ExitCode == 0, written.Stderr);
        Cache("google/gemma-2-2b-it", gemma);
        using var judge = ExperimentFixture.Judge();
        var folder = Path.Combine(_tiny.NewFolder(), "run");

        var manifest = await RunAsync(Args(judge, "1", "gemma-2-2b", SiteSae(gemma, _tiny.NewFolder()), folder, "--n-features", "2", "--n-prompts", "1"));

        // Latent 0 fires only on the residual stream, latent 1 only on the MLP branch: the all-zero rule keeps the
        // latent that is silent where the filter reads.
        Assert.Equal([0], manifest.SelectedLatents!);
        Assert.StartsWith("mlp_out (quirk 5", manifest.Quirks["sae_site"]);
        Assert.Equal("off", manifest.Quirks["llama_final_norm"]);
    }

    /// <summary>
    /// An SAE of two latents for the Gemma model at block 1, over the relevance filter's input (the first paper prompt
    /// as a user turn, no generation prompt): latent 0's pre-activation is +1 at every position of resid_post and −1 at
    /// every position of mlp_out, latent 1's the opposite (encoder columns by least squares; 2 × positions ≤ 64 equations).
    /// </summary>
    private static string SiteSae(string modelDirectory, string folder)
    {
        using var scope = NewDisposeScope();
        using var model = CausalLanguageModel.Load(modelDirectory);
        using var tokenizer = TextTokenizer.Load(modelDirectory);
        var prompt = File.ReadLines(Path.Combine(ExperimentFixture.DataDirectory, "prompts.txt")).First();
        var text = ChatTemplate.ForModelDirectory(modelDirectory, ChatTemplateOptions.Default).Render([ChatMessage.User(prompt)], addGenerationPrompt: false);
        var (residual, branch) = (new ActivationRecorder(), new ActivationRecorder());
        model.Logits(tokenizer.Encode(text, addSpecialTokens: false), new ActivationHooks().Add(HookPoint.ResidPost(1), residual).Add(HookPoint.MlpOutput(1), branch));
        var positions = residual.Rows[0].Count;
        Assert.InRange(positions, 1, 32);
        Tensor Rows(ActivationRecorder recorder) => tensor(recorder.Rows[0].SelectMany(row => row).ToArray(), [positions, 64L]).to_type(ScalarType.Float64);
        var sites = cat([Rows(residual), Rows(branch)], 0);
        var residualLatent = cat([ones(positions, dtype: ScalarType.Float64), ones(positions, dtype: ScalarType.Float64).neg()], 0);
        var encoder = linalg.pinv(sites).matmul(stack([residualLatent, residualLatent.neg()], 1)).to_type(ScalarType.Float32);
        return ExperimentFixture.WriteSae(folder, encoder, zeros(2), randn([2, 64]));
    }

    [Fact]
    public async Task Experiment_10_on_the_70b_paper_name_ablates_the_papers_three_random_sets()
    {
        Cache("meta-llama/Llama-3.3-70B-Instruct", _tiny.ModelDirectory);
        using var judge = ExperimentFixture.Judge();
        using var scope = NewDisposeScope();
        var generator = new Generator(9);
        // The paper's sets name latents up to 65,535: the SAE is as wide as the 70B's.
        var sae = ExperimentFixture.WriteSae(_tiny.NewFolder(), randn([64, 65_536], generator: generator) * 0.5f, zeros(65_536), randn([65_536, 64], generator: generator));
        var (source, random) = (Path.Combine(_tiny.NewFolder(), "exp1"), Path.Combine(_tiny.NewFolder(), "exp10"));
        await RunAsync(Args(judge, "1", "llama-3.3-70b", sae, source, "--latents", "100"));

        var manifest = await RunAsync(Args(judge, "10", "llama-3.3-70b", sae, random, "--from-results", source));

        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(ExperimentFixture.DataDirectory, "random_control_sets.json")));
        var sets = file.RootElement.GetProperty("sets").EnumerateArray().Select(set => set.GetProperty("latents").EnumerateArray().Select(l => l.GetInt32()).ToArray()).ToArray();
        var trials = Trials(random);
        Assert.Equal(3, trials.Count);
        for (var i = 0; i < 3; i++) Assert.Equal(sets[i], Assert.Single(trials, t => t.Condition == $"random_ablation_set{i}").AblatedLatents);
        Assert.Contains("read from random_control_sets.json", manifest.Quirks["random_ablation_sets"]);
        Assert.Equal("random_control_sets.json", manifest.Config["random_ablation_sets_file"]!.GetValue<string>());
    }

    [Fact]
    public async Task Experiment_4_runs_a_fine_tuned_merge_without_the_extra_header_at_penalty_1_1_whatever_its_path_says()
    {
        using var judge = ExperimentFixture.Judge();
        var sae = ExperimentFixture.WriteSae(_tiny.NewFolder());
        var source = Path.Combine(_tiny.NewFolder(), "exp1");
        await RunAsync(Args(judge, "1", _tiny.ModelDirectory, sae, source, "--latents", "25"));
        // A path that would give the extra header and 1.15 under the shipped code's path rules.
        var merged = Path.Combine(_tiny.NewFolder(), "Llama-3.1-8B-masked-ratio-50pct-merged");
        Directory.CreateSymbolicLink(merged, _tiny.ModelDirectory);

        var manifest = await RunAsync(Args(judge, "4", merged, sae, Path.Combine(_tiny.NewFolder(), "exp4"), "--from-results", source));

        Assert.Equal(1.1, manifest.Config["repetition_penalty"]!.GetValue<double>());
        Assert.StartsWith("off", manifest.Quirks["llama_extra_assistant_header"]);
        Assert.True(manifest.Config["recalibrate_thresholds"]!.GetValue<bool>());
    }
}
