using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Saes.Training;
using Esr.Kernel.Text;
using Esr.Kernel.Toy;
using Esr.Kernel.Training;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Toy;

public sealed class ToyZooBuilderTests
{
    /// <summary>One tiny size, a few dozen steps: the whole pipeline in seconds.</summary>
    private static readonly ToyZooSettings Miniature = ToyZooSettings.Default with
    {
        Sizes = [new ToySize("xs", Layers: 1, Hidden: 32, Heads: 2, FeedForward: 64, SaeBlock: 0, SaeLatents: 128)],
        MainSize = "xs",
        Ratios = [0.5],
        SteeringAwareRatios = [0.3],
        Base = new TrainingSettings(Steps: 24, BatchSize: 8, LearningRate: 1e-2, WarmupSteps: 3, Seed: 1, LogEvery: 8),
        FineTune = new TrainingSettings(Steps: 4, BatchSize: 8, LearningRate: 1e-3, WarmupSteps: 1, Seed: 2),
        Sae = new SaeTrainingSettings(Latents: 0, L1Coefficient: 0.05, Steps: 100, BatchSize: 128, LearningRate: 3e-3, Seed: 3, LogEvery: 50),
        BaseEpisodes = 200, FineTuneEpisodes = 40, SaeEpisodes = 20,
    };

    [Fact]
    public void A_miniature_zoo_trains_end_to_end_and_loads_through_the_normal_loaders()
    {
        using var folder = new TemporaryDirectory();
        var lines = new List<string>();
        var entries = new ToyZooBuilder(Miniature).Build(folder.Path, new Collect(lines));

        Assert.Equal(["toy-xs-base", "toy-xs-sc50", "toy-xs-sa30"], entries.Select(entry => entry.Name));
        var losses = lines.Where(line => line.StartsWith("toy-xs-base: step", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ')[4], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, losses.Length);
        Assert.True(losses[^1] < losses[0] - 0.5, $"base loss {string.Join(" -> ", losses)}");
        var sae = entries[0].Sae;
        Assert.InRange(sae.FractionOfVarianceUnexplained, 0, 0.5);
        Assert.True(sae.MeanL0 > 0);

        Assert.Equal(entries.Select(entry => entry.Name), ToyZoo.Read(folder.Path).Select(entry => entry.Name));
        foreach (var entry in entries)
        {
            var model = Path.Combine(folder.Path, entry.Name);
            using var loaded = CausalLanguageModel.Load(model);
            using var tokenizer = TextTokenizer.Load(model);
            Assert.Equal(loaded.Config.VocabularySize, tokenizer.VocabularySize);
            Assert.Equal("bfloat16", loaded.Config.DeclaredDtype);
            Assert.Equal(Path.GetFileName(ChatTemplate.ForModelDirectory(model).Name), ChatTemplate.ForModelDirectory(model).Name);
            using var loadedSae = SaeLoader.Load(Path.Combine(model, ToyZoo.SaeFolder));
            Assert.Equal(128, loadedSae.LatentCount);
            Assert.Equal(128, LatentLabels.Load(Path.Combine(model, ToyZoo.LabelsFile)).RowCount);
        }
    }

    private sealed class Collect(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
