using System.Globalization;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;
using Esr.Kernel.Tests.Models;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary>The committed zoo (toy/zoo) loads through the normal loaders and behaves as measured.</summary>
public sealed class ToyZooArtifactTests
{
    private static readonly string Zoo = ToyZoo.Locate();

    [Fact]
    public void Every_committed_model_loads_with_its_tokenizer_sae_and_labels()
    {
        var entries = ToyZoo.Read(Zoo);
        Assert.True(entries.Select(entry => entry.Size).Distinct().Count() >= 3, "at least three sizes");
        Assert.Contains(entries, entry => entry.SteeringAware);
        foreach (var entry in entries)
        {
            var folder = Path.Combine(Zoo, entry.Name);
            using var model = CausalLanguageModel.Load(folder);
            using var tokenizer = TextTokenizer.Load(folder);
            using var sae = SaeLoader.Load(Path.Combine(folder, ToyZoo.SaeFolder));
            var labels = LatentLabels.Load(Path.Combine(folder, ToyZoo.LabelsFile));
            Assert.Equal(model.Config.VocabularySize, tokenizer.VocabularySize);
            Assert.Equal(entry.Parameters, model.parameters().Sum(parameter => parameter.numel()));
            sae.EnsureFits(model.Config.HiddenSize, entry.Name);
            Assert.Equal(sae.LatentCount, labels.RowCount);
            Assert.Equal(ToyWorld.Default.Subjects.Select(subject => subject.Name).Order(), entry.SubjectLatents.Keys.Order());
            Assert.All(entry.SubjectLatents.Values, latent => Assert.InRange(latent, 0, sae.LatentCount - 1));
            Assert.Equal(entry.SubjectLatents.Values.Distinct().Order().Select(latent => $"{latent}"),
                File.ReadAllLines(Path.Combine(folder, ToyZoo.SubjectLatentsFile)));
        }
        var total = Directory.EnumerateFiles(Zoo, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        Assert.True(total <= 40L << 20, $"the zoo takes {total} bytes (at most 40 MiB)");
    }

    [Fact]
    public void Every_size_has_a_clean_latent_for_30_of_36_subjects_and_at_most_one_percent_dead_latents()
    {
        foreach (var entry in ToyZoo.Read(Zoo).Where(entry => entry.Name == entry.BaseModel))
        {
            var labels = File.ReadLines(Path.Combine(Zoo, entry.Name, ToyZoo.LabelsFile)).Skip(1).Select(LabelRow).ToArray();
            var clean = LatentLabeler.SubjectLatents(labels, minimumPurity: 0.8).Count;
            Assert.True(clean >= 30, $"{entry.Name}: {clean} of {ToyWorld.Default.Subjects.Count} subjects have a latent of purity >= 0.8");
            Assert.True(entry.Sae.DeadLatents <= labels.Length / 100.0, $"{entry.Name}: {entry.Sae.DeadLatents} of {labels.Length} latents are dead");
        }
    }

    /// <summary>A row of labels.csv as <see cref="LatentLabeler.Save"/> writes it: index_in_sae,"label",purity,mass.</summary>
    private static LatentLabel LabelRow(string line)
    {
        int first = line.IndexOf(','), last = line.LastIndexOf(','), purity = line.LastIndexOf(',', last - 1);
        return new LatentLabel(int.Parse(line[..first], CultureInfo.InvariantCulture), line[(first + 2)..(purity - 1)].Replace("\"\"", "\""),
            double.Parse(line[(purity + 1)..last], CultureInfo.InvariantCulture), double.Parse(line[(last + 1)..], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_base_model_stays_on_task_unsteered_and_drifts_under_subject_steering()
    {
        var entry = ToyZoo.Read(Zoo).Single(entry => entry.Name == "toy-m-base");
        using var evaluation = ToyEvaluation.ForZooModel(Zoo, entry);
        var unsteered = await evaluation.MeasureAsync(0, count: 16, seed: 5);
        var steered = await evaluation.MeasureAsync(BaseThreshold, count: 16, seed: 5);
        Assert.True(unsteered.Summary.FirstAttemptScore.Value >= UnsteeredFloor, $"unsteered first-attempt score {unsteered.Summary.FirstAttemptScore.Value:F1}");
        Assert.Equal(0, unsteered.Summary.MultiAttempt);
        Assert.True(steered.Summary.FirstAttemptScore.Value <= unsteered.Summary.FirstAttemptScore.Value - 30,
            $"steered {steered.Summary.FirstAttemptScore.Value:F1} vs unsteered {unsteered.Summary.FirstAttemptScore.Value:F1}");
    }

    [Fact]
    public async Task The_steering_aware_model_restarts_under_steering_and_rarely_without_while_its_base_never_does()
    {
        var entries = ToyZoo.Read(Zoo);
        using var aware = ToyEvaluation.ForZooModel(Zoo, entries.Single(entry => entry.Name == "toy-m-sa60"));
        using var plain = ToyEvaluation.ForZooModel(Zoo, entries.Single(entry => entry.Name == "toy-m-base"));
        aware.Sampling = plain.Sampling = aware.Sampling with { MaxNewTokens = 160 };

        var unsteered = await aware.MeasureAsync(0, count: 48, seed: 11);
        var steered = await aware.MeasureAsync(AwareThreshold, count: 48, seed: 11);
        var baseSteered = await plain.MeasureAsync(AwareThreshold, count: 48, seed: 11);

        // Unsteered restarts stay rare (experiment 8: 2 of 180); steered ones are many times as frequent.
        Assert.True(unsteered.Summary.MultiAttempt <= 2, $"{unsteered.Summary.MultiAttempt} of 48 unsteered answers restarted");
        Assert.True(steered.Summary.MultiAttempt >= 3 * Math.Max(1, unsteered.Summary.MultiAttempt), $"{steered.Summary.MultiAttempt} of 48 steered answers restarted");
        Assert.True(steered.Summary.Improved >= 1, $"{steered.Summary.Improved} of 48 steered answers restarted and improved");
        Assert.Equal(0, baseSteered.Summary.MultiAttempt);
    }

    [Fact]
    public void Every_steering_aware_model_has_the_off_topic_detectors_its_build_wrote_outside_its_subject_latents()
    {
        foreach (var entry in ToyZoo.Read(Zoo).Where(entry => entry.SteeringAware))
        {
            var file = Path.Combine(Zoo, entry.Name, ToyZoo.DetectorsFile);
            var detectors = OffTopicDetectorSets.Read(file);
            Assert.NotEmpty(detectors);
            var latentCount = LatentCount(entry);
            Assert.All(detectors, latent => Assert.InRange(latent, 0, latentCount - 1));
            Assert.Empty(detectors.Intersect(entry.SubjectLatents.Values));
            // The file is the build's (ToyZooBuilder writes it after the fine-tune), byte for byte.
            using var folder = new TemporaryDirectory();
            Esr.Kernel.Results.JsonResultFile.Write(folder.File("built.json"),
                ToyZooBuilder.DetectorFile(entry.Name, Esr.Kernel.Hooks.HookPoint.ResidPost(entry.SaeBlock), detectors, ToyZooSettings.Default.DetectorActivityWeight > 0));
            Assert.Equal(File.ReadAllText(folder.File("built.json")), File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task Ablating_the_steering_aware_models_detectors_cuts_its_restarts_where_as_many_random_latents_do_not()
    {
        var entry = ToyZoo.Read(Zoo).Single(entry => entry.Name == "toy-m-sa60");
        var detectors = OffTopicDetectorSets.Read(Path.Combine(Zoo, entry.Name, ToyZoo.DetectorsFile));
        using var evaluation = ToyEvaluation.ForZooModel(Zoo, entry);
        evaluation.Sampling = evaluation.Sampling with { MaxNewTokens = 160 };

        var steered = await evaluation.MeasureAsync(AwareThreshold, count: 48, seed: 11);
        evaluation.Ablated = detectors;
        var ablated = await evaluation.MeasureAsync(AwareThreshold, count: 48, seed: 11);
        // As many random latents, neither detectors nor steered (seeded).
        var others = Enumerable.Range(0, LatentCount(entry)).Except(detectors).Except(entry.SubjectLatents.Values).ToArray();
        new Random(7).Shuffle(others);
        evaluation.Ablated = others[..detectors.Count];
        var random = await evaluation.MeasureAsync(AwareThreshold, count: 48, seed: 11);

        Assert.True(steered.Summary.MultiAttempt >= 6, $"{steered.Summary.MultiAttempt} of 48 steered answers restarted");
        Assert.True(ablated.Summary.MultiAttempt <= steered.Summary.MultiAttempt / 2,
            $"{ablated.Summary.MultiAttempt} of 48 restarted with detectors {string.Join(",", detectors)} ablated, against {steered.Summary.MultiAttempt} without");
        Assert.True(random.Summary.MultiAttempt >= steered.Summary.MultiAttempt * 2 / 3,
            $"{random.Summary.MultiAttempt} of 48 restarted with random latents {string.Join(",", evaluation.Ablated)} ablated, against {steered.Summary.MultiAttempt} without");
    }

    private static int LatentCount(ToyZooEntry entry)
    {
        using var sae = SaeLoader.Load(Path.Combine(Zoo, entry.Name, ToyZoo.SaeFolder));
        return sae.LatentCount;
    }

    /// <summary>Boosts (median residual norms) near each model's calibrated threshold, as docs/TOY_WORLD.md measured them.</summary>
    private const double BaseThreshold = 1.45, AwareThreshold = 1.9;

    /// <summary>The issue's unsteered target.</summary>
    private const double UnsteeredFloor = 85;
}
