using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Esr.Kernel.Experiments;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Results;
using Esr.Kernel.Saes;
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
    /// <returns>The entries written to zoo.json, in build order.</returns>
    /// <remarks>
    /// Sequential: trainings on threads of one process crashed libtorch (a read of freed memory in a .NET thread-pool
    /// worker, measured once at 9 minutes into a two-job build), so a size's models are built one after another.
    /// </remarks>
    public IReadOnlyList<ToyZooEntry> Build(string zooFolder, IProgress<string>? log = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(zooFolder);
        var tokenizerFolder = Path.Combine(zooFolder, ".tokenizer");
        ToyTokenizerWriter.Write(tokenizerFolder, _world);
        WriteConfigStub(tokenizerFolder);
        using var tokenizer = TextTokenizer.Load(tokenizerFolder);
        var template = ChatTemplate.ForModelDirectory(tokenizerFolder);
        var context = new BuildContext(zooFolder, tokenizer, template, StopTokens.FromModelDirectory(tokenizerFolder, tokenizer), new ToyEpisodeGenerator(_world), log);
        var baseCorpus = context.Episodes.Generate(ToyMixture.BaseWithDrift(settings.BaseDrift), settings.BaseEpisodes, settings.Seed).Select(context.Encode).ToArray();
        var saeMixture = ToyMixture.Base with { Normal = 1 - settings.SaeSubjectShare, SubjectAnswer = settings.SaeSubjectShare };
        var saeCorpus = context.Episodes.Generate(saeMixture, settings.SaeEpisodes, settings.Seed + 1)
            .Select(episode => (Episode: episode, Encoded: context.Encode(episode))).ToArray();
        var words = new ToyTokenCategories(_world);
        var saeCategories = saeCorpus.SelectMany(pair => LatentLabeler.Categories(_world, words, tokenizer, template, pair.Episode)).ToArray();
        var saeTokens = saeCorpus.Select(pair => pair.Encoded.Ids).ToArray();

        foreach (var size in settings.Sizes)
        {
            var built = BuildBase(size, context, baseCorpus, saeTokens, saeCategories, cancellationToken);
            using var _sae = built.Sae;
            foreach (var (name, ratio, steeringAware) in FineTunes(size))
                FineTune(built, name, ratio, steeringAware, context, cancellationToken);
        }
        Directory.Delete(tokenizerFolder, recursive: true);
        return context.Entries;
    }

    /// <summary>The fine-tunes of <paramref name="size"/>, in build order: plain self-correction, then steering-aware.</summary>
    private IEnumerable<(string Name, double Ratio, bool SteeringAware)> FineTunes(ToySize size)
    {
        var main = size.Name == settings.MainSize;
        foreach (var ratio in main ? settings.Ratios : []) yield return ($"toy-{size.Name}-sc{ratio * 100:F0}", ratio, false);
        foreach (var ratio in main ? settings.SteeringAwareRatios : [settings.SteeringAwareRatio]) yield return ($"toy-{size.Name}-sa{ratio * 100:F0}", ratio, true);
    }

    /// <summary>
    /// A size's base model, trained and stored, its SAE with labels (stored beside it), the steered-drift stage where
    /// the recipe has one, and the boost at which its subject latents bring the first attempt to 30.
    /// </summary>
    private BaseBuild BuildBase(
        ToySize size, BuildContext context, IReadOnlyList<TrainingSequence> baseCorpus, IReadOnlyList<int[]> saeTokens,
        IReadOnlyList<string> saeCategories, CancellationToken cancellationToken)
    {
        var config = size.Config(context.Tokenizer.VocabularySize);
        var point = HookPoint.ResidPost(size.SaeBlock);
        var baseName = $"toy-{size.Name}-base";
        var baseFolder = Path.Combine(context.ZooFolder, baseName);
        var log = context.Log;
        log?.Report($"{baseName}: training {settings.Base.Steps} steps");
        var watch = Stopwatch.StartNew();
        double baseLoss;
        using (var fresh = CausalLanguageModel.Create(config, settings.Seed + size.Layers * 100 + size.Hidden))
        {
            baseLoss = ToyTrainer.Train(fresh, baseCorpus, settings.Base, progress: Report(log, baseName), cancellationToken: cancellationToken)[^1].Loss;
            SaveModel(fresh, baseFolder, context.Tokenizer);
        }
        var baseModel = CausalLanguageModel.Load(baseFolder);
        try
        {
            log?.Report($"{baseName}: SAE on {point}");
            var (activations, _) = SaeTrainer.CollectActivations(baseModel, saeTokens, point, cancellationToken: cancellationToken);
            using var _activations = activations;
            var trainedSae = SaeTrainer.Train(activations, settings.Sae with { Latents = size.SaeLatents }, Report(log, $"{baseName} SAE"), cancellationToken);
            var statistics = SaeTrainer.Measure(trainedSae, activations);
            IReadOnlyList<LatentLabel> labels;
            Dictionary<string, int> subjectLatents;
            using (var latents = SaeTrainer.Encode(trainedSae, activations))
            using (var mass = LatentMass.Of(latents, saeCategories))
            {
                labels = mass.Labels();
                subjectLatents = mass.BestLatents("subject:").ToDictionary(pair => pair.Key, pair => pair.Value.Latent);
            }
            var medianNorm = activations.norm(1).median().item<float>();
            var clean = LatentLabeler.SubjectLatents(labels, CleanPurity).Count;
            log?.Report($"{baseName}: SAE FVU {statistics.FractionOfVarianceUnexplained:F3}, L0 {statistics.MeanL0:F1}, dead {statistics.DeadLatents}, subjects with a clean latent (top label, purity >= {CleanPurity}) {clean}/{_world.Subjects.Count}, median norm {medianNorm:F2}");
            trainedSae.Save(Path.Combine(baseFolder, ToyZoo.SaeFolder), point, ScalarType.BFloat16);
            LatentLabeler.Save(Path.Combine(baseFolder, ToyZoo.LabelsFile), labels);
            AtomicFile.WriteAllText(Path.Combine(baseFolder, ToyZoo.SubjectLatentsFile), string.Join('\n', subjectLatents.Values.Distinct().Order()) + "\n");
            if (settings.SteeredDrift is { } stage)
            {
                using var sae = trainedSae.ToSparseAutoencoder();
                var driftCount = (int)Math.Round(stage.Episodes * stage.Share);
                var corpus = context.Episodes.Generate(ToyMixture.BaseWithDrift(settings.BaseDrift), stage.Episodes - driftCount, settings.Seed + 81).Select(context.Encode)
                    .Concat(SteeredDrift((stage.LowBoost, stage.HighBoost), driftCount, settings.Seed + 80, subjectLatents, medianNorm, context)).ToArray();
                var training = size.SteeredDriftTraining(stage);
                log?.Report($"{baseName}: steered drift, {training.Steps} steps");
                baseLoss = ToyTrainer.Train(baseModel, corpus, training, new TrainingSteering(sae, point), Report(log, $"{baseName} drift"), cancellationToken)[^1].Loss;
                SaveModel(baseModel, baseFolder, context.Tokenizer);
                baseModel.Dispose();
                baseModel = CausalLanguageModel.Load(baseFolder); // every later step uses the stored (rounded) weights
            }
            var parameters = baseModel.parameters().Sum(parameter => parameter.numel());
            var baseBuild = new BaseBuild(size, baseName, point, trainedSae, statistics, subjectLatents, medianNorm, parameters, 0);
            context.Add(baseBuild.Entry(baseName, 0, false, baseLoss, watch.Elapsed.TotalSeconds));

            // Steering-aware fine-tunes steer around the base's calibrated threshold (where steering makes it drift, but not always).
            double threshold;
            using (var evaluation = new ToyEvaluation(ChatModel.Load(baseFolder), trainedSae.ToSparseAutoencoder(), point,
                       baseBuild.SteeredLatents(_world), medianNorm, _world))
                threshold = evaluation.CalibrateAsync(seed: settings.Seed + 70, cancellationToken: cancellationToken).GetAwaiter().GetResult().Threshold;
            log?.Report($"{baseName}: calibrated threshold {threshold:F3} median norms");
            return baseBuild with { Threshold = threshold };
        }
        finally
        {
            baseModel.Dispose();
        }
    }

    /// <summary>
    /// Fine-tunes the stored base: plain self-correction on the world's episodes, or steering-aware, where the
    /// self-corrections are regenerated from the base's own output under steering and the other episodes stay unsteered;
    /// either with the steered coherent drift of <see cref="ToySteeredDrift.ForFineTune"/> when the base had that stage.
    /// </summary>
    private void FineTune(BaseBuild built, string name, double ratio, bool steeringAware, BuildContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var training = built.Size.FineTuneTraining(settings.FineTune);
        var baseFolder = Path.Combine(context.ZooFolder, built.Name);
        using var sae = built.Sae.ToSparseAutoencoder();
        using var model = CausalLanguageModel.Load(baseFolder);
        // With the steered-drift stage, steering keeps writing the subject's sentences only if the fine-tune keeps seeing it do so.
        TrainingSequence[] drift = [];
        if (settings.SteeredDrift is { } stage)
        {
            var added = stage.ForFineTune(name);
            drift = SteeredDrift((added.LowBoost, added.HighBoost), added.Episodes, settings.Seed + 200 + (int)(ratio * 100), built.SubjectLatents, built.MedianNorm,
                context, steeringAware ? settings.MetaPrompts : null, onsetOnly: !steeringAware).ToArray();
        }
        TrainingSequence[] corpus;
        TrainingSwitch? detectorTraining = null;
        IReadOnlyList<int> trainedDetectors = [];
        string makeUp;
        if (!steeringAware)
        {
            corpus = [.. context.Episodes.Generate(ToyMixture.SelfCorrection(ratio), settings.FineTuneEpisodes, settings.Seed + 10 + (int)(ratio * 100)).Select(context.Encode), .. drift];
            makeUp = drift.Length > 0 ? $" ({settings.FineTuneEpisodes} unsteered, {drift.Length} steered drift)" : "";
        }
        else
        {
            var mixture = SteeringAwareEpisodes(context.Episodes, ratio);
            var boosts = (settings.SteeringBoosts.Low * built.Threshold * built.MedianNorm, settings.SteeringBoosts.High * built.Threshold * built.MedianNorm);
            context.Log?.Report($"{name}: generating steered drift");
            var steered = SteeredCorrections.Build(_world, model, context.Tokenizer, context.Template,
                mixture.Where(episode => episode.Kind == ToyEpisodeKind.SelfCorrection).ToArray(), sae, built.Point, built.LatentOfSubject(_world),
                boosts, context.StopTokens, settings.Seed + 60 + (int)(ratio * 100), cancellationToken, settings.MetaPrompts is not null ? ToyMetaPrompts.LearnsSteeredDrift : null);
            var unsteered = mixture.Where(episode => episode.Kind != ToyEpisodeKind.SelfCorrection).Select(context.Encode).ToArray();
            corpus = [.. unsteered, .. steered, .. drift];
            makeUp = $" ({unsteered.Length} unsteered, {steered.Count} steered self-corrections, {drift.Length} steered drift)";
            if (settings.TrainedDetectors > 0 && drift.Length > 0)
            {
                detectorTraining = new TrainingSwitch(training.Steps / 3, () =>
                {
                    IReadOnlyList<int> detectors;
                    try
                    {
                        detectors = DetectorCandidates(model, sae, built, context, settings.Seed + 300 + (int)(ratio * 100), cancellationToken);
                    }
                    catch (InvalidDataException error)
                    {
                        // A model that never drifts under steering (or never stays on task) gives the discovery nothing to compare.
                        context.Log?.Report($"{name}: no detector candidates ({error.Message}); drift without a return keeps every latent");
                        return new TrainingPhase(corpus);
                    }
                    context.Log?.Report($"{name}: from here on drift without a return is learned with latents {string.Join(',', detectors)} ablated"
                        + (settings.DetectorsLearnToFire ? $", and {DetectorsActive} of them to fire on off-topic text and none on task text" : ""));
                    trainedDetectors = detectors;
                    // The ablated rows are not read for detector activity: ablation takes the detectors out of the activation.
                    return new TrainingPhase(
                        [.. unsteered, .. steered, .. drift.Select(sequence => sequence with { Steering = [.. sequence.Steering!, new AblateLatents(detectors)], OffTopic = null })],
                        settings.DetectorsLearnToFire ? new DetectorActivity(detectors, settings.DetectorActivityWeight, DetectorsActive) : null);
                });
            }
        }
        context.Log?.Report($"{name}: fine-tuning {training.Steps} steps on {corpus.Length} sequences{makeUp}");
        var loss = ToyTrainer.Train(model, corpus, training, steeringAware || drift.Length > 0 ? new TrainingSteering(sae, built.Point) : null, Report(context.Log, name),
            cancellationToken, detectorTraining)[^1].Loss;
        var folder = Path.Combine(context.ZooFolder, name);
        SaveModel(model, folder, context.Tokenizer);
        CopySae(baseFolder, folder);
        if (trainedDetectors.Count > 0) JsonResultFile.Write(Path.Combine(folder, ToyZoo.DetectorsFile), DetectorFile(name, built.Point, trainedDetectors, settings.DetectorsLearnToFire));
        context.Add(built.Entry(name, ratio, steeringAware, loss, started.Elapsed.TotalSeconds));
    }

    /// <summary>
    /// The latents a steering-aware fine-tune goes on to restart through (<see cref="ToyZooSettings.TrainedDetectors"/>):
    /// the toy world's detector discovery (<see cref="ToyDetectorDiscovery"/>, every first-attempt token, best AUC first)
    /// over the model's own answers to task prompts under steering, as trained so far.
    /// </summary>
    private IReadOnlyList<int> DetectorCandidates(
        CausalLanguageModel model, SparseAutoencoder sae, BaseBuild built, BuildContext context, int seed, CancellationToken cancellationToken)
    {
        // Not disposed: both would dispose the model in training and the fine-tune's SAE.
        var chat = new ChatModel(model, context.Tokenizer, context.Template, context.StopTokens);
        var evaluation = new ToyEvaluation(chat, sae, built.Point, built.SteeredLatents(_world), built.MedianNorm, _world);
        var boost = DetectorProbeBoost * built.Threshold;
        var trials = evaluation.TrialsAsync(boost, DetectorProbeAnswers, seed, cancellationToken).GetAwaiter().GetResult()
            .Select((trial, index) => new TrialRecord($"probe|{index}", 1, built.Name, "steered", trial.Latent, "",
                trial.Prompt, boost * built.MedianNorm, null, 0, trial.Graded.Response, null, null)).ToArray();
        var readout = new ReadoutSetup(model, context.Tokenizer, context.Template, context.StopTokens, sae, built.Point, built.Point);
        var options = new ToyDetectorOptions { Rule = new ToyDetectorRule(MinAuc: 0, MaxDetectors: settings.TrainedDetectors), World = _world };
        return ToyDetectorDiscovery.Run(readout, trials, options, cancellationToken).Detectors.Select(detector => detector.Latent).ToArray();
    }

    /// <summary>
    /// The off-topic detectors a steering-aware fine-tune's build writes beside it (<see cref="ToyZoo.DetectorsFile"/>,
    /// the paper's detector-file format, which <c>esr experiment 3 --ablate</c> reads): the latents it learned to restart through,
    /// and with <paramref name="trainedToFire"/> (<see cref="ToyZooSettings.DetectorActivityWeight"/>) to fire on off-topic text.
    /// </summary>
    internal static JsonObject DetectorFile(string model, HookPoint point, IReadOnlyList<int> detectors, bool trainedToFire) => new()
    {
        ["model_name"] = model,
        ["sae"] = $"{ToyZoo.SaeFolder}/ at {point}",
        ["method"] = ToyDetectorResult.Method,
        ["note"] = "Found by the toy world's separability discovery (esr toy detectors: the best AUC separating off-topic from on-task "
            + "first-attempt tokens, by the exact judge's sentence labels; not the paper's contrastive rule) over the fine-tune's own "
            + string.Create(CultureInfo.InvariantCulture, $"answers to {DetectorProbeAnswers} task prompts steered at {DetectorProbeBoost} times its base's threshold, a third of the way ")
            + "through its training; from there on it learned to drift without a return with these latents ablated, so its restarts need them"
            + (trainedToFire ? $", and (an objective beside the next-token loss) to fire {DetectorsActive} of them on each off-topic token of its answers and none on its task tokens." : "."),
        ["trials"] = DetectorProbeAnswers,
        ["off_topic_detectors"] = JsonResultFile.Integers(detectors),
    };

    /// <summary>The boost of the answers <see cref="DetectorCandidates"/> reads, in base thresholds: the middle of the fine-tunes' range.</summary>
    private const double DetectorProbeBoost = 1.4;

    /// <summary>How many of a fine-tune's detectors learn to fire on each off-topic token (<see cref="ToyZooSettings.DetectorActivityWeight"/>): fewer than the SAE's k, which leaves room for the text's own latents.</summary>
    private const int DetectorsActive = 6;

    /// <summary>How many answers <see cref="DetectorCandidates"/> reads.</summary>
    private const int DetectorProbeAnswers = 96;

    /// <summary>
    /// A steering-aware fine-tune's episodes before its self-corrections are steered: the mixture of its ratio and, with
    /// <see cref="ToyZooSettings.MetaPrompts"/>, the meta-prompted episodes in place of as many of them (without, the
    /// same call as before meta-prompts existed, so <see cref="ToyZooSettings.First"/> keeps the first zoo's corpora).
    /// </summary>
    internal IReadOnlyList<ToyEpisode> SteeringAwareEpisodes(ToyEpisodeGenerator episodes, double ratio)
    {
        var prompted = settings.MetaPrompts?.Episodes(episodes, _world, settings.FineTuneEpisodes, ratio, settings.Seed + 1000 + (int)(ratio * 100)) ?? [];
        return [.. episodes.Generate(ToyMixture.SelfCorrection(ratio), settings.FineTuneEpisodes - prompted.Count, settings.Seed + 50 + (int)(ratio * 100)), .. prompted];
    }

    /// <summary>
    /// <paramref name="count"/> coherent-drift episodes (0-2 steps, then a subject's sentences, all in the loss), each
    /// with its subject's latent add-steered at every position, boosts drawn from <paramref name="boosts"/> (median norms); with
    /// <paramref name="metaPrompts"/>, some under the templates other than self_monitor (<see cref="ToyMetaPrompts.OnDrift"/>).
    /// With <paramref name="onsetOnly"/>, only the drift's onset is in the loss: the steps and the first subject sentence,
    /// not what follows it nor the end of the answer, so that steering still writes the subject's sentences while whether
    /// the answer then goes on, ends or restarts is left to the rest of the corpus.
    /// </summary>
    private IEnumerable<TrainingSequence> SteeredDrift(
        (double Low, double High) boosts, int count, int seed, IReadOnlyDictionary<string, int> subjectLatents, double medianNorm, BuildContext context,
        ToyMetaPrompts? metaPrompts = null, bool onsetOnly = false)
    {
        var random = new Random(seed);
        var episodes = context.Episodes.Generate(ToyMixture.Base with { Normal = 0, SubjectAnswer = 0, CoherentDrift = 1 }, count, seed + 2);
        if (metaPrompts is not null) episodes = metaPrompts.OnDrift(episodes, _world, seed + 3);
        return episodes
            .Select(episode => (Episode: episode, Latent: subjectLatents.GetValueOrDefault(_world.Subjects[episode.Subject!.Value].Name, -1)))
            .Where(pair => pair.Latent >= 0) // subjects without a latent cannot be steered
            .Select(pair =>
            {
                var boost = (boosts.Low + random.NextDouble() * (boosts.High - boosts.Low)) * medianNorm;
                return context.Encode(onsetOnly ? DriftOnset(pair.Episode) : pair.Episode) with { Steering = [new AddLatent(pair.Latent, (float)boost)] };
            });
    }

    /// <summary>A coherent-drift episode with every sentence after its first subject sentence out of the loss, and with them where the answer ends.</summary>
    internal static ToyEpisode DriftOnset(ToyEpisode episode)
    {
        var onset = episode.Segments.Select(segment => segment.Kind).ToList().IndexOf(ToySegmentKind.Subject);
        if (onset < 0) throw new ArgumentException($"A coherent-drift episode has a subject sentence; this one has none: \"{episode.Answer}\".", nameof(episode));
        return episode with { Segments = [.. episode.Segments.Select((segment, index) => index > onset ? segment with { InLoss = false } : segment)] };
    }

    /// <summary>A fine-tune reads its base's SAE: the same files beside it.</summary>
    private static void CopySae(string baseFolder, string folder)
    {
        var saeFolder = Path.Combine(folder, ToyZoo.SaeFolder);
        Directory.CreateDirectory(saeFolder);
        foreach (var file in Directory.GetFiles(Path.Combine(baseFolder, ToyZoo.SaeFolder)))
            File.Copy(file, Path.Combine(saeFolder, Path.GetFileName(file)), overwrite: true);
        foreach (var file in new[] { ToyZoo.LabelsFile, ToyZoo.SubjectLatentsFile })
            File.Copy(Path.Combine(baseFolder, file), Path.Combine(folder, file), overwrite: true);
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

    /// <summary>What every step of one build shares, and the entries finished so far, in build order.</summary>
    private sealed class BuildContext(
        string zooFolder, TextTokenizer tokenizer, ChatTemplate template, IReadOnlySet<int> stopTokens, ToyEpisodeGenerator episodes,
        IProgress<string>? log)
    {
        private readonly List<ToyZooEntry> _entries = [];

        public string ZooFolder => zooFolder;
        public TextTokenizer Tokenizer => tokenizer;
        public ChatTemplate Template => template;
        public IReadOnlySet<int> StopTokens => stopTokens;
        public ToyEpisodeGenerator Episodes => episodes;
        public IProgress<string>? Log => log;

        public IReadOnlyList<ToyZooEntry> Entries => _entries;

        public TrainingSequence Encode(ToyEpisode episode) => ToyExampleEncoder.Encode(tokenizer, template, episode);

        /// <summary>Adds an entry and rewrites zoo.json, so that a partial build lists what it finished.</summary>
        public void Add(ToyZooEntry entry)
        {
            _entries.Add(entry);
            ToyZoo.Write(zooFolder, Entries);
        }
    }

    /// <summary>A size's trained base: what its fine-tunes and zoo.json entries need.</summary>
    private sealed record BaseBuild(
        ToySize Size, string Name, HookPoint Point, TrainedSae Sae, SaeStatistics Statistics, IReadOnlyDictionary<string, int> SubjectLatents,
        double MedianNorm, long Parameters, double Threshold)
    {
        public ToyZooEntry Entry(string name, double ratio, bool steeringAware, double loss, double seconds) =>
            new(name, Size.Name, Parameters, ratio, steeringAware, Name, Size.SaeBlock, Statistics, MedianNorm, SubjectLatents, loss, seconds);

        /// <summary>The latent of each subject id that has one.</summary>
        public IReadOnlyDictionary<int, int> LatentOfSubject(ToyWorld world) =>
            world.Subjects.Where(subject => SubjectLatents.ContainsKey(subject.Name)).ToDictionary(subject => subject.Id, subject => SubjectLatents[subject.Name]);

        /// <summary>The subject latents, each once, in order: what an evaluation of this size's models steers.</summary>
        public int[] SteeredLatents(ToyWorld world) => LatentOfSubject(world).Values.Distinct().Order().ToArray();
    }
}
