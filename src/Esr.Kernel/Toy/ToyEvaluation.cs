using Esr.Kernel.Analysis;
using Esr.Kernel.Experiments;
using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;
using Esr.Kernel.Saes;

namespace Esr.Kernel.Toy;

/// <summary>What a toy model does under one boost: the ESR metrics and what its lost first-attempt text was.</summary>
/// <param name="BoostInNorms">The add-steering boost in units of the median residual norm (0 = unsteered).</param>
/// <param name="Summary">ESR_SPEC §2.4 metrics over the trials.</param>
/// <param name="SubjectShareOfLost">Of the first attempts' scored sentences that are not on-task: the share that are subject sentences.</param>
/// <param name="GarbageShareOfLost">… the share that are not sentences of the world.</param>
public sealed record ToyBoostResult(double BoostInNorms, EsrSummary Summary, double SubjectShareOfLost, double GarbageShareOfLost);

/// <summary>
/// A thin measurement of a toy model against the targets: task prompts answered with and without a subject
/// latent add-steered, graded by the exact <see cref="ToyJudge"/>, summarised by <see cref="EsrMetrics"/>; the boost
/// giving a first-attempt score of 30 is calibrated with <see cref="ThresholdFinder"/>. Kept small and in one class so
/// that the experiment runner can take its place. It owns the model, tokenizer and SAE it is given.
/// </summary>
public sealed class ToyEvaluation(
    ChatModel chat, SparseAutoencoder sae, HookPoint point, IReadOnlyList<int> subjectLatents, double medianNorm, ToyWorld? world = null) : IDisposable
{
    private readonly ToyWorld _world = world ?? ToyWorld.Default;
    private readonly ToyJudge _judge = new(world);

    /// <summary>Sampling of every generation: temperature 0.3 (the short-trained toy models write garbage more often at 0.7), long enough for a restart.</summary>
    public SamplingOptions Sampling { get; set; } = new(Temperature: 0.3, MaxNewTokens: 96);

    /// <summary>Latents zero-ablated in every answer, steered or not (experiment 3's ablation); none by default.</summary>
    public IReadOnlyList<int> Ablated { get; set; } = [];

    /// <summary>Loads a zoo model with its SAE and the subject latents from zoo.json, on <paramref name="device"/> (null: the CPU).</summary>
    public static ToyEvaluation ForZooModel(string zooFolder, ToyZooEntry entry, TorchSharp.torch.Device? device = null)
    {
        var folder = Path.Combine(zooFolder, entry.Name);
        var chat = ChatModel.Load(folder, device: device);
        return new ToyEvaluation(chat, SaeLoader.Load(Path.Combine(folder, ToyZoo.SaeFolder), chat.Model.Dtype, chat.Model.Device), HookPoint.ResidPost(entry.SaeBlock),
            SteeredLatents(folder, entry), entry.MedianResidualNorm);
    }

    /// <summary>The subject latents zoo.json lists for the model.</summary>
    private static int[] SteeredLatents(string folder, ToyZooEntry entry) =>
        entry.SubjectLatents.Count > 0
            ? entry.SubjectLatents.Values.Order().ToArray()
            : throw new InvalidDataException($"{folder}: zoo.json lists no subject latents for {entry.Name}");

    /// <summary>
    /// Generates answers to <paramref name="count"/> task prompts (seeded choice of task, template and steered latent)
    /// at a boost in median-norm units, and grades them.
    /// </summary>
    public async Task<IReadOnlyList<ToyTrial>> TrialsAsync(double boostInNorms, int count, int seed, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var plans = Enumerable.Range(0, count).Select(_ =>
        {
            var prompt = _world.TaskPrompt(random.Next(_world.Tasks.Count), random.Next(_world.TaskTemplates.Count));
            var latent = subjectLatents[random.Next(subjectLatents.Count)];
            return (Prompt: prompt, Latent: latent, Seed: random.Next());
        }).ToArray();
        var requests = plans.Select(plan => chat.Request(chat.PromptIds(plan.Prompt), Sampling, plan.Seed)).ToArray();
        IReadOnlyList<Intervention> ablation = Ablated.Count == 0 ? [] : [new AblateLatents(Ablated)];
        using var hook = InterventionHook.PerRow(sae, plans.Select(plan => boostInNorms == 0
            ? (ablation.Count == 0 ? null : ablation)
            : (IReadOnlyList<Intervention>)[new AddLatent(plan.Latent, (float)(boostInNorms * medianNorm)), .. ablation]).ToArray());
        var results = new BatchGenerator(chat.Model).Generate(requests, new ActivationHooks().Add(point, hook), cancellationToken: cancellationToken);
        var trials = new List<ToyTrial>();
        for (var i = 0; i < plans.Length; i++)
        {
            var response = chat.Tokenizer.Decode(results[i].TokenIds);
            var verdict = await _judge.JudgeAsync(new JudgeRequest(plans[i].Prompt, response, $"latent {plans[i].Latent}"), cancellationToken);
            trials.Add(new ToyTrial(plans[i].Prompt, plans[i].Latent, GradedTrial.FromVerdict(response, verdict)));
        }
        return trials;
    }

    /// <summary>Metrics and the make-up of the lost text at one boost.</summary>
    public async Task<ToyBoostResult> MeasureAsync(double boostInNorms, int count, int seed, CancellationToken cancellationToken = default)
    {
        var trials = await TrialsAsync(boostInNorms, count, seed, cancellationToken);
        int subject = 0, garbage = 0, lost = 0;
        foreach (var trial in trials)
        {
            var classification = _judge.Classify(trial.Prompt, trial.Graded.Response);
            foreach (var sentence in classification.Sentences.Where(sentence => sentence.Segment == 0 && sentence.Scored && sentence.Kind != ToySentenceKind.OnTask))
            {
                lost++;
                if (sentence.Kind == ToySentenceKind.Subject) subject++;
                if (sentence.Kind == ToySentenceKind.Garbage) garbage++;
            }
        }
        return new ToyBoostResult(boostInNorms, EsrMetrics.Summarize(trials.Select(trial => trial.Graded)),
            lost == 0 ? double.NaN : (double)subject / lost, lost == 0 ? double.NaN : (double)garbage / lost);
    }

    /// <summary>
    /// The boost (median-norm units) whose mean first-attempt score is <paramref name="target"/> (0-1), by the paper's
    /// probabilistic bisection; each bisection sample is the mean over a batch of <paramref name="batch"/> prompts.
    /// </summary>
    public async Task<ThresholdSearchResult> CalibrateAsync(double target = 0.3, int trials = 12, int batch = 8, int seed = 100, CancellationToken cancellationToken = default)
    {
        var settings = new ThresholdSearchSettings(Target: target, Trials: trials, Lower: 0, Upper: 2, PriorMean: 0.6, PriorStd: 0.4, GridSize: 2000);
        var step = 0;
        return await ThresholdFinder.FindAsync(settings, async (boost, _, token) =>
        {
            var graded = await TrialsAsync(boost, batch, seed + step++, token);
            var firsts = graded.Select(trial => trial.Graded.IncludedScores()?[0]).Where(score => score is not null).Select(score => score!.Value / 100).ToArray();
            return firsts.Length == 0 ? CalibrationSample.NoAttempts : CalibrationSample.Scored(firsts.Average());
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        chat.Dispose();
        sae.Dispose();
    }
}
