using Esr.Kernel.Experiments;
using Esr.Kernel.Hooks;

namespace Esr.Kernel.Tests.Experiments;

public sealed class PaperConfigurationTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("esr-hf-").FullName;

    public void Dispose() => Directory.Delete(home, recursive: true);

    /// <summary>Writes a fake cached snapshot of a repository, with the given files, and returns its folder.</summary>
    private string Snapshot(string repoId, string revision, params string[] files)
    {
        var repository = Path.Combine(home, "hub", "models--" + repoId.Replace("/", "--"));
        Directory.CreateDirectory(Path.Combine(repository, "refs"));
        File.WriteAllText(Path.Combine(repository, "refs", "main"), revision + "\n");
        var snapshot = Path.Combine(repository, "snapshots", revision);
        Directory.CreateDirectory(snapshot);
        foreach (var file in files)
        {
            var path = Path.Combine(snapshot, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }
        return snapshot;
    }

    [Theory]
    [InlineData("llama-3.3-70b", 8192, 65_536, 33, 50, 1.2, 100, "resid_post")]
    [InlineData("llama-3.1-8b", 4096, 65_536, 12, 19, 1.15, 50, "resid_post")]
    [InlineData("llama-3.1-8b-l19", 4096, 65_536, 19, 19, 1.15, 50, "resid_post")]
    [InlineData("gemma-2-2b", 2304, 16_384, 16, 16, 1.1, 300, "mlp_out")]
    [InlineData("gemma-2-9b", 3584, 16_384, 26, 26, 1.1, 560, "mlp_out")]
    [InlineData("GEMMA-2-27B", 4608, 131_072, 22, 22, 1.1, 5000, "mlp_out")]
    public void The_registry_holds_the_papers_numbers(string name, int dModel, int width, int steer, int read, double penalty, double upper, string site)
    {
        var config = PaperConfigurations.Get(name);
        Assert.Equal(dModel, config.DModel);
        Assert.Equal(width, config.SaeWidth);
        Assert.Equal(HookPoint.Parse($"blocks.{steer}.{site}"), config.SteeringHook);
        Assert.Equal(HookPoint.Parse($"blocks.{read}.{site}"), config.ReadoutHook);
        Assert.Equal(penalty, config.RepetitionPenalty);
        Assert.Equal(upper, config.Calibration.Upper);
        Assert.Equal(0.3, config.Calibration.Target);
        Assert.Equal(10, config.Calibration.Trials);
    }

    [Fact]
    public void Calibration_settings_are_the_shared_presets()
    {
        Assert.Same(ThresholdSearchSettings.Llama70B, PaperConfigurations.Llama70B.Calibration);
        Assert.Same(ThresholdSearchSettings.Llama8B, PaperConfigurations.Llama8BPaperLayer.Calibration);
        Assert.Same(ThresholdSearchSettings.Gemma27B, PaperConfigurations.Gemma27B.Calibration);
    }

    [Fact]
    public void The_gemma_quirk_can_be_switched_to_the_residual_stream()
    {
        var clean = PaperConfigurations.Gemma9B.OnResidualStream();
        Assert.Equal(HookPoint.ResidPost(26), clean.ReadoutHook);
        Assert.Equal(HookPoint.ResidPost(26), clean.SteeringHook);
        Assert.Equal(HookPoint.MlpOutput(26), PaperConfigurations.Gemma9B.ReadoutHook);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => PaperConfigurations.Get("gpt-2"));
        Assert.Contains("gpt-2", error.Message);
        Assert.Contains("gemma-2-9b", error.Message);
        Assert.Contains("llama-3.1-8b-l19", error.Message);
    }

    [Fact]
    public void Model_and_sae_resolve_to_the_snapshot_refs_main_names()
    {
        Snapshot("google/gemma-2-2b-it", "old");
        var model = Snapshot("google/gemma-2-2b-it", "abc123", "config.json");
        var sae = Snapshot("google/gemma-scope-2b-pt-res", "def456", "layer_16/width_16k/average_l0_78/params.npz");
        var config = PaperConfigurations.Gemma2B;
        Assert.Equal(model, config.ModelDirectory(home));
        Assert.Equal(Path.Combine(sae, "layer_16", "width_16k", "average_l0_78", "params.npz"), config.SaePath(home));
    }

    [Fact]
    public void HF_HOME_is_the_default_root()
    {
        var model = Snapshot("meta-llama/Llama-3.1-8B-Instruct", "r1");
        var before = Environment.GetEnvironmentVariable("HF_HOME");
        try
        {
            Environment.SetEnvironmentVariable("HF_HOME", home);
            Assert.Equal(model, PaperConfigurations.Llama8B.ModelDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HOME", before);
        }
    }

    [Fact]
    public void A_missing_repository_names_the_path_expected()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => PaperConfigurations.Llama70B.ModelDirectory(home));
        Assert.Contains(Path.Combine(home, "hub", "models--meta-llama--Llama-3.3-70B-Instruct"), error.Message);
    }

    [Fact]
    public void A_missing_ref_or_snapshot_is_named()
    {
        var repository = Path.Combine(home, "hub", "models--google--gemma-2-9b-it");
        Directory.CreateDirectory(repository);
        var noRef = Assert.Throws<DirectoryNotFoundException>(() => PaperConfigurations.Gemma9B.ModelDirectory(home));
        Assert.Contains(Path.Combine(repository, "refs", "main"), noRef.Message);
        Directory.CreateDirectory(Path.Combine(repository, "refs"));
        File.WriteAllText(Path.Combine(repository, "refs", "main"), "gone");
        var noSnapshot = Assert.Throws<DirectoryNotFoundException>(() => PaperConfigurations.Gemma9B.ModelDirectory(home));
        Assert.Contains(Path.Combine(repository, "snapshots", "gone"), noSnapshot.Message);
    }

    [Fact]
    public void A_snapshot_without_the_sae_file_names_the_file()
    {
        var snapshot = Snapshot("Goodfire/Llama-3.3-70B-Instruct-SAE-l50", "r");
        var error = Assert.Throws<FileNotFoundException>(() => PaperConfigurations.Llama70B.SaePath(home));
        Assert.Contains(Path.Combine(snapshot, "Llama-3.3-70B-Instruct-SAE-l50.pt"), error.Message);
    }

    [Fact]
    public void Neuronpedia_links_exist_only_where_the_sae_is_hosted()
    {
        Assert.Equal(new Uri("https://www.neuronpedia.org/gemma-2-2b/16-gemmascope-res-16k/42"), PaperConfigurations.Gemma2B.NeuronpediaLink(42));
        Assert.Equal(new Uri("https://www.neuronpedia.org/llama3.3-70b-it/50-resid-post-gf/42"), PaperConfigurations.Llama70B.NeuronpediaLink(42));
        Assert.Equal(new Uri("https://www.neuronpedia.org/llama3.1-8b-it/19-resid-post-gf/7"), PaperConfigurations.Llama8BPaperLayer.NeuronpediaLink(7));
        Assert.Null((PaperConfigurations.Gemma2B with { NeuronpediaId = null }).NeuronpediaLink(42));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaperConfigurations.Gemma2B.NeuronpediaLink(16_384));
    }
}
