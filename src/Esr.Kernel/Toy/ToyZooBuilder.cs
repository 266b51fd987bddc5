using System.Diagnostics;
using System.Text.Json.Nodes;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes.Training;
using Esr.Kernel.Text;
using Esr.Kernel.Training;
using static TorchSharp.torch;

namespace Esr.Kernel.Toy;

/// <summary>
/// Builds the toy zoo from nothing: the world's tokenizer, a base model per size trained on the base corpus, an SAE
/// on each base with labels from the world's token categories, self-correction fine-tunes of the main size, and a
/// steering-aware fine-tune per size. Everything is seeded; with the same libtorch thread count the files are the same.
/// Models are stored in bfloat16 and every later step uses the stored (rounded) weights.
/// </summary>
public sealed class ToyZooBuilder(ToyZooSettings settings, ToyWorld? world = null)
{
    private readonly ToyWorld _world = world ?? ToyWorld.Default;

    /// <summary>Builds the zoo into <paramref name="zooFolder"/> (models, then zoo.json last).</summary>
    /// <param name="zooFolder">Created if needed; model folders in it are overwritten.</param>
    /// <param name="log">Receives one line per stage and per logged loss.</param>
    /// <param name="cancellationToken">Checked between training steps.</param>
    /// <returns>The entries written to zoo.json.</returns>
    public IReadOnlyList<ToyZooEntry> Build(string zooFolder, IProgress<string>? log = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(zooFolder);
        var tokenizerFolder = Path.Combine(zooFolder, ".tokenizer");
        ToyTokenizerWriter.Write(tokenizerFolder, _world);
        WriteConfigStub(tokenizerFolder);
        using var tokenizer = TextTokenizer.Load(tokenizerFolder);
        var template = ChatTemplate.ForModelDirectory(tokenizerFolder);
        var stopTokens = StopTokens.FromModelDirectory(tokenizerFolder, tokenizer);
        var episodes = new ToyEpisodeGenerator(_world);
        TrainingSequence Encode(ToyEpisode episode)
        {
            var (ids, mask) = ToyExampleEncoder.Encode(tokenizer, template, episode);
            return new TrainingSequence(ids, mask);
        }
        var baseCorpus = episodes.Generate(ToyMixture.BaseWithDrift(settings.BaseDrift), settings.BaseEpisodes, settings.Seed).Select(Encode).ToArray();
        var saeMixture = ToyMixture.Base with { Normal = 1 - settings.SaeSubjectShare, SubjectAnswer = settings.SaeSubjectShare };
        var saeCorpus = episodes.Generate(saeMixture, settings.SaeEpisodes, settings.Seed + 1)
            .Select(episode => (Episode: episode, Encoded: Encode(episode))).ToArray();
        var words = new ToyTokenCategories(_world);
        var saeCategories = saeCorpus.SelectMany(pair => LatentLabeler.Categories(_world, words, tokenizer, template, pair.Episode)).ToArray();

        var entries = new List<ToyZooEntry>();
        foreach (var size in settings.Sizes)
        {
            var config = size.Config(tokenizer.VocabularySize);
            var point = HookPoint.ResidPost(size.SaeBlock);
            var baseName = $"toy-{size.Name}-base";
            log?.Report($"{baseName}: training {settings.Base.Steps} steps");
            var watch = Stopwatch.StartNew();
            double baseLoss;
            using (var fresh = CausalLanguageModel.Create(config, settings.Seed + size.Layers * 100 + size.Hidden))
            {
                baseLoss = ToyTrainer.Train(fresh, baseCorpus, settings.Base, progress: Report(log, baseName), cancellationToken: cancellationToken)[^1].Loss;
                SaveModel(fresh, Path.Combine(zooFolder, baseName), tokenizer);
            }
            var baseSeconds = watch.Elapsed.TotalSeconds;
            var baseModel = CausalLanguageModel.Load(Path.Combine(zooFolder, baseName));

            log?.Report($"{baseName}: SAE on {point}");
            var (activations, _) = SaeTrainer.CollectActivations(baseModel, saeCorpus.Select(pair => pair.Encoded.Ids).ToArray(), point, cancellationToken: cancellationToken);
            using var _activations = activations;
            using var trainedSae = SaeTrainer.Train(activations, settings.Sae with { Latents = size.SaeLatents }, Report(log, $"{baseName} SAE"), cancellationToken);
            var statistics = SaeTrainer.Measure(trainedSae, activations);
            IReadOnlyList<LatentLabel> labels;
            Dictionary<string, int> subjectLatents;
            using (var latents = SaeTrainer.Encode(trainedSae, activations))
            {
                labels = LatentLabeler.Label(latents, saeCategories);
                subjectLatents = LatentLabeler.BestLatents(latents, saeCategories, "subject:").ToDictionary(pair => pair.Key, pair => pair.Value.Latent);
            }
            var medianNorm = activations.norm(1).median().item<float>();
            var clean = LatentLabeler.SubjectLatents(labels, CleanPurity).Count;
            log?.Report($"{baseName}: SAE FVU {statistics.FractionOfVarianceUnexplained:F3}, L0 {statistics.MeanL0:F1}, dead {statistics.DeadLatents}, subjects with a clean latent (top label, purity >= {CleanPurity}) {clean}/{_world.Subjects.Count}, median norm {medianNorm:F2}");
            var saveSae = (string folder) =>
            {
                trainedSae.Save(Path.Combine(folder, ToyZoo.SaeFolder), point, ScalarType.BFloat16);
                LatentLabeler.Save(Path.Combine(folder, ToyZoo.LabelsFile), labels);
                AtomicFile.WriteAllText(Path.Combine(folder, ToyZoo.SubjectLatentsFile), string.Join('\n', subjectLatents.Values.Distinct().Order()) + "\n");
            };
            saveSae(Path.Combine(zooFolder, baseName));
            if (settings.SteeredDrift is { } stage)
            {
                var stageWatch = Stopwatch.StartNew();
                baseModel.Dispose();
                baseLoss = SteerIntoDrift(stage, Path.Combine(zooFolder, baseName), subjectLatents, medianNorm, point, trainedSae, Encode, tokenizer, log, cancellationToken);
                baseModel = CausalLanguageModel.Load(Path.Combine(zooFolder, baseName));
                baseSeconds += stageWatch.Elapsed.TotalSeconds;
            }
            using var _baseModel = baseModel;
            var parameters = baseModel.parameters().Sum(parameter => parameter.numel());
            ToyZooEntry Entry(string name, double ratio, bool steeringAware, double loss, double seconds) =>
                new(name, size.Name, parameters, ratio, steeringAware, baseName, size.SaeBlock, statistics, medianNorm, subjectLatents, loss, seconds);
            entries.Add(Entry(baseName, 0, false, baseLoss, baseSeconds));
            ToyZoo.Write(zooFolder, entries);

            void FineTune(string name, double ratio, IReadOnlyList<TrainingSequence> corpus, TrainingSteering? steering)
            {
                log?.Report($"{name}: fine-tuning {settings.FineTune.Steps} steps on {corpus.Count} sequences");
                var started = Stopwatch.StartNew();
                using var model = CausalLanguageModel.Load(Path.Combine(zooFolder, baseName));
                var loss = ToyTrainer.Train(model, corpus, settings.FineTune, steering, Report(log, name), cancellationToken)[^1].Loss;
                SaveModel(model, Path.Combine(zooFolder, name), tokenizer);
                saveSae(Path.Combine(zooFolder, name));
                entries.Add(Entry(name, ratio, steering is not null, loss, started.Elapsed.TotalSeconds));
                ToyZoo.Write(zooFolder, entries); // after every model, so a partial build lists what it finished
            }

            if (size.Name == settings.MainSize)
            {
                foreach (var ratio in settings.Ratios)
                {
                    var corpus = episodes.Generate(ToyMixture.SelfCorrection(ratio), settings.FineTuneEpisodes, settings.Seed + 10 + (int)(ratio * 100))
                        .Select(Encode).ToArray();
                    FineTune($"toy-{size.Name}-sc{ratio * 100:F0}", ratio, corpus, null);
                }
            }

            // Steering-aware: the self-corrections are regenerated under steering around the base's calibrated
            // threshold (where steering makes it drift, but not always); the other episodes stay unsteered.
            var latentOfSubject = _world.Subjects.Where(subject => subjectLatents.ContainsKey(subject.Name))
                .ToDictionary(subject => subject.Id, subject => subjectLatents[subject.Name]);
            using var sae = trainedSae.ToSparseAutoencoder();
            double threshold;
            using (var evaluation = new ToyEvaluation(ChatModel.Load(Path.Combine(zooFolder, baseName)), trainedSae.ToSparseAutoencoder(), point,
                       latentOfSubject.Values.Distinct().Order().ToArray(), medianNorm, _world))
                threshold = evaluation.CalibrateAsync(seed: settings.Seed + 70, cancellationToken: cancellationToken).GetAwaiter().GetResult().Threshold;
            log?.Report($"{baseName}: calibrated threshold {threshold:F3} median norms");
            var boosts = (settings.SteeringBoosts.Low * threshold * medianNorm, settings.SteeringBoosts.High * threshold * medianNorm);
            foreach (var ratio in size.Name == settings.MainSize ? settings.SteeringAwareRatios : [settings.SteeringAwareRatio])
            {
                var mixture = SteeringAwareEpisodes(episodes, ratio);
                var name = $"toy-{size.Name}-sa{ratio * 100:F0}";
                log?.Report($"{name}: generating steered drift");
                var steered = SteeredCorrections.Build(_world, baseModel, tokenizer, template,
                    mixture.Where(episode => episode.Kind == ToyEpisodeKind.SelfCorrection).ToArray(), sae, point, latentOfSubject,
                    boosts, stopTokens, settings.Seed + 60 + (int)(ratio * 100), cancellationToken);
                var unsteered = mixture.Where(episode => episode.Kind != ToyEpisodeKind.SelfCorrection).Select(Encode);
                FineTune(name, ratio, unsteered.Concat(steered).ToArray(), new TrainingSteering(sae, point));
            }
        }
        Directory.Delete(tokenizerFolder, recursive: true);
        return entries;
    }

    /// <summary>
    /// A steering-aware fine-tune's episodes before its self-corrections are steered: the mixture of its ratio and, with
    /// <see cref="ToyZooSettings.MetaPrompts"/>, the meta-prompted episodes in place of as many of them (without, the
    /// same call as ever, so <see cref="ToyZooSettings.Default"/> keeps the committed zoo's corpora).
    /// </summary>
    internal IReadOnlyList<ToyEpisode> SteeringAwareEpisodes(ToyEpisodeGenerator episodes, double ratio)
    {
        var prompted = settings.MetaPrompts?.Episodes(episodes, _world, settings.FineTuneEpisodes, ratio, settings.Seed + 1000 + (int)(ratio * 100)) ?? [];
        return [.. episodes.Generate(ToyMixture.SelfCorrection(ratio), settings.FineTuneEpisodes - prompted.Count, settings.Seed + 50 + (int)(ratio * 100)), .. prompted];
    }

    /// <summary>
    /// The base's steered-drift stage (<see cref="ToySteeredDrift"/>): trains the stored base further and stores it
    /// again; returns the last logged loss.
    /// </summary>
    private double SteerIntoDrift(
        ToySteeredDrift stage, string baseFolder, IReadOnlyDictionary<string, int> subjectLatents, double medianNorm, HookPoint point,
        TrainedSae trainedSae, Func<ToyEpisode, TrainingSequence> encode, TextTokenizer tokenizer, IProgress<string>? log, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(baseFolder);
        log?.Report($"{name}: steered drift, {stage.Training.Steps} steps");
        var episodes = new ToyEpisodeGenerator(_world);
        var random = new Random(settings.Seed + 80);
        var driftCount = (int)Math.Round(stage.Episodes * stage.Share);
        var plain = episodes.Generate(ToyMixture.BaseWithDrift(settings.BaseDrift), stage.Episodes - driftCount, settings.Seed + 81).Select(encode);
        var drift = episodes.Generate(ToyMixture.Base with { Normal = 0, SubjectAnswer = 0, CoherentDrift = 1 }, driftCount, settings.Seed + 82)
            .Where(episode => subjectLatents.ContainsKey(_world.Subjects[episode.Subject!.Value].Name)) // subjects without a latent cannot be steered
            .Select(episode =>
        {
            var boost = (stage.LowBoost + random.NextDouble() * (stage.HighBoost - stage.LowBoost)) * medianNorm;
            return encode(episode) with { Steering = [new AddLatent(subjectLatents[_world.Subjects[episode.Subject!.Value].Name], (float)boost)] };
        });
        var corpus = plain.Concat(drift).ToArray();
        using var sae = trainedSae.ToSparseAutoencoder();
        using var model = CausalLanguageModel.Load(baseFolder);
        var loss = ToyTrainer.Train(model, corpus, stage.Training, new TrainingSteering(sae, point), Report(log, $"{name} drift"), cancellationToken)[^1].Loss;
        SaveModel(model, baseFolder, tokenizer);
        return loss;
    }

    /// <summary>The purity from which a subject's latent counts as clean (the target).</summary>
    private const double CleanPurity = 0.8;

    private void SaveModel(CausalLanguageModel model, string folder, TextTokenizer tokenizer)
    {
        var ids = ToyTokenizerWriter.Ids(_world);
        model.Save(folder, ScalarType.BFloat16, new JsonObject
        {
            ["bos_token_id"] = ids[ToyTokenizerWriter.BeginOfText],
            ["eos_token_id"] = new JsonArray(ids[ToyTokenizerWriter.EndOfTurn], ids[ToyTokenizerWriter.EndOfText]),
        });
        ToyTokenizerWriter.Write(folder, _world);
        if (tokenizer.VocabularySize != model.Config.VocabularySize)
            throw new InvalidOperationException($"the tokenizer has {tokenizer.VocabularySize} tokens but the model {model.Config.VocabularySize}");
    }

    /// <summary>The chat template is chosen by config.json's model_type; the tokenizer folder needs one before any model exists.</summary>
    private static void WriteConfigStub(string folder) =>
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"model_type\": \"llama\"}");

    private static IProgress<TrainingLogEntry>? Report(IProgress<string>? log, string name) =>
        log is null ? null : new SynchronousProgress<TrainingLogEntry>(entry => log.Report($"{name}: step {entry.Step} loss {entry.Loss:F4} lr {entry.LearningRate:G3}"));
}
