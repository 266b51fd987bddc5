using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Hooks;
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
    private static readonly ToyZooSettings Miniature = ToyZooSettings.First with
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
        // Without the steered-drift stage a plain self-correction fine-tune trains on the world's episodes alone.
        Assert.Contains("toy-xs-sc50: fine-tuning 4 steps on 40 sequences", lines);
        var losses = lines.Where(line => line.StartsWith("toy-xs-base: step", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ')[4], CultureInfo.InvariantCulture)).ToArray();
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

    [Fact]
    public void The_coherent_recipe_adds_the_steered_drift_stage_to_the_base_and_saves_a_topk_sae()
    {
        using var folder = new TemporaryDirectory();
        var lines = new List<string>();
        var settings = Miniature with
        {
            Sizes = [Miniature.Sizes[0] with { FineTuneSteps = 6 }],
            FineTune = Miniature.FineTune with { LogEvery = 1 },
            Sae = Miniature.Sae with { TopK = 4 },
            SteeredDrift = ToyZooSettings.Default.SteeredDrift! with
            {
                Episodes = 60, Training = new TrainingSettings(Steps: 6, BatchSize: 8, LearningRate: 1e-3, WarmupSteps: 1, Seed: 4, LogEvery: 3),
                FineTuneEpisodes = 10,
                FineTunes = new Dictionary<string, ToyFineTuneDrift> { ["toy-xs-sa30"] = new(Episodes: 7, LowBoost: 0.4, HighBoost: 3) },
            },
            TrainedDetectors = 3,
        };
        var entries = new ToyZooBuilder(settings).Build(folder.Path, new Collect(lines));

        Assert.Equal(["toy-xs-base", "toy-xs-sc50", "toy-xs-sa30"], entries.Select(entry => entry.Name));
        Assert.Contains(lines, line => line.StartsWith("toy-xs-base drift: step 6 loss", StringComparison.Ordinal));
        // The stored base is the one after the stage: its last loss is the stage's.
        var stageLoss = double.Parse(lines.Last(line => line.StartsWith("toy-xs-base drift: step", StringComparison.Ordinal)).Split(' ')[5], CultureInfo.InvariantCulture);
        Assert.Equal(stageLoss, entries[0].FinalLoss, 3);
        Assert.InRange(entries[0].Sae.MeanL0, 3, 4); // at most k = 4 of 128 latents per token
        using var sae = SaeLoader.Load(Path.Combine(folder.Path, "toy-xs-base", ToyZoo.SaeFolder));
        Assert.Equal(SaeArchitecture.TopK, sae.Architecture);
        Assert.Equal(4, sae.K);
        // The steering-aware fine-tune keeps seeing steered coherent drift, the count the recipe gives it by name: 7 episodes
        // drawn, kept where the subject has a latent (2 here; the stage's 10 would keep 3).
        var counts = Counts("toy-xs-sa30", @"6 steps on (\d+) sequences \((\d+) unsteered, (\d+) steered self-corrections, (\d+) steered drift\)");
        Assert.Equal(counts[0], counts[1] + counts[2] + counts[3]);
        Assert.Equal(2, counts[3]);
        // The plain self-correction fine-tune keeps it too (the stage's 10 drawn, those with a latent kept), beside its 40 world episodes.
        var plain = Counts("toy-xs-sc50", @"6 steps on (\d+) sequences \((\d+) unsteered, (\d+) steered drift\)");
        Assert.Equal(40, plain[1]);
        Assert.InRange(plain[2], 1, 10);
        Assert.Equal(plain[0], plain[1] + plain[2]);
        // A third of the way through the size's own 6 fine-tuning steps (the recipe's: 4), after step 2, the discovery reads
        // the fine-tune's own steered answers; this model's calibrated threshold is 0 (it never answers on task), so there
        // is no steered answer and no latent is ablated.
        var switched = lines.Single(line => line.StartsWith("toy-xs-sa30: no detector candidates", StringComparison.Ordinal));
        Assert.Equal("toy-xs-sa30: no detector candidates (none of its 96 trials was steered (boost ≠ 0) without an error); drift without a return keeps every latent", switched);
        int Step(int step) => lines.IndexOf(lines.Single(line => line.StartsWith($"toy-xs-sa30: step {step} loss", StringComparison.Ordinal)));
        Assert.True(Step(2) < lines.IndexOf(switched) && lines.IndexOf(switched) < Step(3));
        Assert.Equal(5, Step(6) - Step(1) - 1); // steps 2 to 5 and the switch between them

        int[] Counts(string model, string pattern)
        {
            var match = Regex.Match(lines.Single(line => line.StartsWith($"{model}: fine-tuning", StringComparison.Ordinal)), pattern);
            Assert.True(match.Success, $"{model}'s fine-tuning line does not match {pattern}");
            return match.Groups.Values.Skip(1).Select(group => int.Parse(group.Value, CultureInfo.InvariantCulture)).ToArray();
        }
    }

    [Fact]
    public void The_committed_recipe_is_the_quiet_detectors_one_whose_detectors_also_learn_to_fire_with_other_drift_for_toy_m_sa30_and_sa90()
    {
        Assert.Equal(0, ToyZooSettings.QuietDetectors.DetectorActivityWeight);
        Assert.Equal(0.5, ToyZooSettings.Default.DetectorActivityWeight);
        var quietDrift = ToyZooSettings.QuietDetectors.SteeredDrift!;
        var drift = ToyZooSettings.Default.SteeredDrift!;
        Assert.Equal(ToyZooSettings.QuietDetectors, ToyZooSettings.Default with { DetectorActivityWeight = 0, SteeredDrift = quietDrift });
        // Only toy-m-sa90's and toy-m-sa30's steered drift differ: at boosts past their thresholds.
        Assert.Equal(quietDrift, drift with { FineTunes = quietDrift.FineTunes });
        Assert.Equal(new ToyFineTuneDrift(1200, 2.0, 4.5), drift.FineTunes!["toy-m-sa90"]);
        Assert.Equal(new ToyFineTuneDrift(600, 0.4, 4.0), quietDrift.FineTunes!["toy-m-sa90"]);
        Assert.Equal(new ToyFineTuneDrift(600, 2.0, 4.0), drift.FineTunes["toy-m-sa30"]);
        Assert.Equal(new ToyFineTuneDrift(1200, 0.4, 2.5), quietDrift.ForFineTune("toy-m-sa30"));
        Assert.Equal(quietDrift.FineTunes["toy-s-sa60"], drift.FineTunes["toy-s-sa60"]);
        Assert.Equal(3, drift.FineTunes.Count);
        // The committed zoo's detector files say so; the quiet recipe's do not.
        var detectors = new[] { 5, 7 };
        Assert.EndsWith("so its restarts need them.", (string)ToyZooBuilder.DetectorFile("m", HookPoint.ResidPost(1), detectors, trainedToFire: false)["note"]!);
        Assert.Contains("fire 6 of them on each off-topic token", (string)ToyZooBuilder.DetectorFile("m", HookPoint.ResidPost(1), detectors, trainedToFire: true)["note"]!);
    }

    [Fact]
    public void The_committed_zoos_recipe_keeps_its_stages_and_steering_aware_episodes()
    {
        // toy/zoo is built from Default: the hashes of its steering-aware episodes (meta-prompted ones included) pin
        // the corpora, so that esr toy build keeps reproducing it byte for byte.
        Assert.Equal(16, ToyZooSettings.Default.Sae.TopK);
        Assert.NotNull(ToyZooSettings.Default.SteeredDrift);
        Assert.NotNull(ToyZooSettings.Default.MetaPrompts);
        Assert.Equal(
            [
                "393d345ef5ef1a7f690e3c2f029c36dd9756e1b4c18043ebb5f58e41a8006f46",
                "3d716c422dd130a8e69a7bf4f2a028c12df90680b4a240ba4d382433cbe171f2",
                "7888c52af5400d95a431bb457b6eb4e0b5fec6093d9ecbbb4b662fcf19582530",
            ],
            EpisodeHashes(ToyZooSettings.Default));
    }

    [Fact]
    public void The_committed_recipe_gives_three_fine_tunes_other_steered_drift_reaching_past_their_thresholds()
    {
        var stage = ToyZooSettings.Default.SteeredDrift!;
        Assert.Equal(new ToyFineTuneDrift(1200, 2.0, 4.5), stage.ForFineTune("toy-m-sa90"));
        Assert.Equal(new ToyFineTuneDrift(1500, 2.0, 4.0), stage.ForFineTune("toy-s-sa60"));
        Assert.Equal(new ToyFineTuneDrift(600, 2.0, 4.0), stage.ForFineTune("toy-m-sa30"));
        Assert.Equal(new ToyFineTuneDrift(1200, 0.4, 2.5), stage.ForFineTune("toy-m-sa60"));
        Assert.Equal(new ToyFineTuneDrift(1200, 0.4, 2.5), stage.ForFineTune("toy-l-sa60"));
        Assert.Equal(new ToyFineTuneDrift(1200, 0.4, 2.5), (stage with { FineTunes = null }).ForFineTune("toy-m-sa90"));
    }

    [Fact]
    public void The_committed_recipes_size_s_trains_the_steered_drift_stage_and_its_fine_tune_longer_than_the_others()
    {
        var settings = ToyZooSettings.Default;
        var stage = settings.SteeredDrift!;
        Assert.Equal([1000, 400, 400], settings.Sizes.Select(size => size.SteeredDriftTraining(stage).Steps));
        Assert.Equal(stage.Training with { Steps = 1000 }, settings.Sizes[0].SteeredDriftTraining(stage)); // only the steps differ
        Assert.Equal([600, 300, 300], settings.Sizes.Select(size => size.FineTuneTraining(settings.FineTune).Steps));
        Assert.Equal(settings.FineTune with { Steps = 600 }, settings.Sizes[0].FineTuneTraining(settings.FineTune));
    }

    [Fact]
    public void The_first_zoos_recipe_keeps_its_steering_aware_episodes_without_meta_prompts()
    {
        // Hashes of the first zoo's steering-aware episodes, from before meta-prompts existed.
        Assert.Null(ToyZooSettings.First.SteeredDrift);
        Assert.Null(ToyZooSettings.First.Sae.TopK);
        Assert.Null(ToyZooSettings.First.MetaPrompts);
        Assert.Equal(
            [
                "38ba839e2a39ae9b8a01267fda1ac101eb92a405dac3e12e23807e69bf4cac5d",
                "288c8404da8ec2c4ac63e4096d31065153eac48ac4dc8f63ebca0136c11e0288",
                "47379446ad669761e4c12767895d5cbf8f9de415dd754b671c9d76c3355ff590",
            ],
            EpisodeHashes(ToyZooSettings.First));
    }

    private static IEnumerable<string> EpisodeHashes(ToyZooSettings settings)
    {
        var builder = new ToyZooBuilder(settings);
        var generator = new ToyEpisodeGenerator(ToyWorld.Default);
        return settings.SteeringAwareRatios.Select(ratio => Hash(builder.SteeringAwareEpisodes(generator, ratio))).ToArray();
    }

    [Fact]
    public void With_meta_prompts_self_monitor_prompts_carry_more_self_corrections_than_the_other_templates()
    {
        var settings = ToyZooSettings.First with { FineTuneEpisodes = 400, MetaPrompts = new ToyMetaPrompts(Share: 0.4, SelfMonitorRatio: 0.9) };
        var builder = new ToyZooBuilder(settings);
        var generator = new ToyEpisodeGenerator(ToyWorld.Default);

        var episodes = builder.SteeringAwareEpisodes(generator, 0.3);

        Assert.Equal(Hash(episodes), Hash(builder.SteeringAwareEpisodes(generator, 0.3)));
        Assert.Equal(400, episodes.Count);
        var byVariant = episodes.GroupBy(episode => ToyMetaPrompts.Variants.SingleOrDefault(v => Carries(episode.Prompt, v))?.Id ?? "none")
            .ToDictionary(group => group.Key, group => group.ToArray());
        Assert.Equal(240, byVariant["none"].Length);
        Assert.All(ToyMetaPrompts.Variants, v => Assert.Equal(40, byVariant[v.Id].Length));
        Assert.All(ToyMetaPrompts.Variants, v => Assert.DoesNotContain(byVariant[v.Id], episode => episode.Kind == ToyEpisodeKind.SubjectAnswer));
        int Corrections(string id) => byVariant[id].Count(episode => episode.Kind == ToyEpisodeKind.SelfCorrection);
        Assert.Equal(36, Corrections(ToyMetaPrompts.SelfMonitor)); // 90 %
        Assert.All(ToyMetaPrompts.Variants.Where(v => v.Id != ToyMetaPrompts.SelfMonitor), v => Assert.Equal(12, Corrections(v.Id))); // the fine-tune's 30 %
        // The drift's subject is the one ignore_latent_label names, as experiment 5 names the steered latent's label.
        Assert.All(byVariant["ignore_latent_label"].Where(episode => episode.Kind == ToyEpisodeKind.SelfCorrection),
            episode => Assert.Contains($" {ToyWorld.Default.Subjects[episode.Subject!.Value].Name},", episode.Prompt, StringComparison.Ordinal));
    }

    // Whether a prompt is a variant's template around some prompt and label.
    private static bool Carries(string prompt, PromptVariant variant) =>
        Regex.IsMatch(prompt, "^" + Regex.Escape(variant.Template).Replace(@"\{prompt}", ".+", StringComparison.Ordinal)
            .Replace(@"\{latent_label}", ".+", StringComparison.Ordinal) + "$");

    private static string Hash(IEnumerable<ToyEpisode> episodes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', episodes.Select(e =>
            $"{e.Prompt}|{e.Kind}|{e.Task}|{e.Subject}|" + string.Join("|", e.Segments.Select(segment => $"{segment.Text}/{segment.Kind}/{segment.InLoss}")))))));

    private sealed class Collect(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
