using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Hooks;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary>What the paper's configurations put into a run's settings and manifest: the engine quirks of ESR_SPEC §1.3.</summary>
public sealed class PaperSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private static RunManifest Manifest(ExperimentSettings settings) =>
        RunLauncher.Manifest(settings, 0, "sha256:m", "sha256:s", "judge", null, projectVersion: "1.0.0");

    public static TheoryData<string> LlamaNames => new() { "llama-3.3-70b", "llama-3.1-8b", "llama-3.1-8b-l19" };

    public static TheoryData<string> GemmaNames => new() { "gemma-2-2b", "gemma-2-9b", "gemma-2-27b" };

    [Theory]
    [MemberData(nameof(LlamaNames))]
    public void Llama_paper_configurations_turn_the_final_norm_quirk_on_and_record_it_in_the_manifest(string name)
    {
        var manifest = Manifest(ExperimentSettings.ForExperiment("1", PaperConfigurations.Get(name)));

        Assert.True(manifest.Config["paper_final_norm"]!.GetValue<bool>());
        Assert.StartsWith("on (quirk 6", manifest.Quirks["llama_final_norm"]);
    }

    [Theory]
    [MemberData(nameof(GemmaNames))]
    public void Gemma_paper_configurations_keep_the_final_norm_standard(string name)
    {
        var manifest = Manifest(ExperimentSettings.ForExperiment("1", PaperConfigurations.Get(name)));

        Assert.False(manifest.Config["paper_final_norm"]!.GetValue<bool>());
        Assert.Equal("off", manifest.Quirks["llama_final_norm"]);
    }

    [Fact]
    public void A_model_that_is_no_paper_configuration_keeps_the_final_norm_standard()
    {
        Assert.False(ExperimentSettings.ForExperiment("1", null, "models/Llama-3.1-8B-Instruct").PaperFinalNorm);
        Assert.False(ExperimentSettings.ForExperiment("4").PaperFinalNorm);
    }

    [Theory]
    [MemberData(nameof(GemmaNames))]
    public void Gemma_paper_configurations_steer_and_read_the_mlp_branch_and_record_it(string name)
    {
        var paper = PaperConfigurations.Get(name);

        var settings = ExperimentSettings.ForExperiment("1", paper);

        Assert.Equal(new HookPoint(paper.SteeringBlock, HookPoint.MlpOut), settings.SteeringHook);
        Assert.Equal(new HookPoint(paper.ReadoutBlock, HookPoint.MlpOut), settings.ReadoutHook);
        Assert.StartsWith("mlp_out (quirk 5", Manifest(settings).Quirks["sae_site"]);
    }

    [Fact]
    public void Llama_and_plain_models_steer_and_read_the_residual_stream()
    {
        Assert.Equal(HookPoint.ResidPost(50), ExperimentSettings.ForExperiment("1", PaperConfigurations.Llama70B).ReadoutHook);
        var plain = ExperimentSettings.ForExperiment("1") with { SteeringBlock = 3, ReadoutBlock = 4 };
        Assert.Equal((HookPoint.ResidPost(3), HookPoint.ResidPost(4)), (plain.SteeringHook, plain.ReadoutHook));
        Assert.Equal("resid_post", Manifest(plain).Quirks["sae_site"]);
    }

    [Fact]
    public void A_config_file_naming_an_unknown_sae_site_is_an_error_naming_file_and_field()
    {
        var path = _folder.File("settings.json");
        File.WriteAllText(path, """{"sae_site": "mlp_in"}""");

        var error = Assert.Throws<InvalidDataException>(() => ExperimentSettings.Load(path, new ExperimentSettings()));

        Assert.Equal($"{path}: field 'sae_site' is 'mlp_in' (expected one of resid_pre, attn_out, mlp_out, resid_post)", error.Message);
    }

    [Fact]
    public void Experiment_4_gives_fine_tuned_merges_no_extra_header_and_penalty_1_1_as_the_original_did()
    {
        var merged = ExperimentSettings.ForExperiment("4", null, "merged-models/masked-ratio-50pct-merged");
        var underAnotherName = ExperimentSettings.ForExperiment("4", null, "/models/llama-3.1-8b-masked-ratio-50pct-merged");

        Assert.Equal((false, 1.1, true), (merged.PaperExtraAssistantHeader, merged.RepetitionPenalty, merged.RecalibrateThresholds));
        Assert.Equal((false, 1.1), (underAnotherName.PaperExtraAssistantHeader, underAnotherName.RepetitionPenalty));
        Assert.StartsWith("off", Manifest(merged).Quirks["llama_extra_assistant_header"]);
    }

    [Fact]
    public void Other_experiments_and_the_base_paper_model_keep_the_header_and_the_penalty_of_the_model()
    {
        var basePaper = ExperimentSettings.ForExperiment("4", PaperConfigurations.Llama8B);
        var plain = ExperimentSettings.ForExperiment("1", null, "/models/Llama-3.1-8B-Instruct");

        Assert.Equal((true, 1.15, true), (basePaper.PaperExtraAssistantHeader, basePaper.RepetitionPenalty, basePaper.RecalibrateThresholds));
        Assert.Equal((true, 1.15), (plain.PaperExtraAssistantHeader, plain.RepetitionPenalty));
    }
}
