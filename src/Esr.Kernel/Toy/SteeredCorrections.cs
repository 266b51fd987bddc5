using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;

namespace Esr.Kernel.Toy;

/// <summary>
/// Steering-aware self-correction episodes: the model's own output while the subject's latent is add-steered (cut
/// after 1-3 sentences) takes the place of the episode's drift, masked from the loss. The exact judge reads that
/// output: when it left the task, the episode's marker and fresh answer follow; when it stayed on task, the answer
/// goes on with the episode's later steps and no marker, so that the marker answers the drift, not the steering.
/// The steering is attached to the whole sequence, as it is at test time, so the fine-tune learns the marker and the
/// answer with the steering still on.
/// </summary>
public static class SteeredCorrections
{
    /// <summary>New tokens generated for the off-topic span before it is cut.</summary>
    private const int DriftTokens = 48;

    /// <summary>Sampling temperature of the steered span (the evaluation's).</summary>
    private const double Temperature = 0.3;

    /// <summary>Builds up to <paramref name="episodes"/>.Count sequences (episodes whose steered output has no full sentence are dropped).</summary>
    /// <param name="world">The world whose exact judge decides whether the steered output left the task.</param>
    /// <param name="model">The model whose drift is recorded (the base being fine-tuned).</param>
    /// <param name="tokenizer">The toy tokenizer.</param>
    /// <param name="template">Its chat template.</param>
    /// <param name="episodes">Self-correction episodes: their prompt, leading steps, marker and answer are kept, their drift replaced.</param>
    /// <param name="sae">The SAE whose subject latents are steered.</param>
    /// <param name="point">Its hook point.</param>
    /// <param name="latentOfSubject">The latent of each subject id (subjects without one are skipped).</param>
    /// <param name="boosts">The boost range (residual units).</param>
    /// <param name="stopTokens">Stop tokens of generation.</param>
    /// <param name="seed">Seeds boosts, cuts and sampling.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <param name="driftInLoss">Which episodes learn their steered text too (it keeps steering writing it), not only what follows it; null for none.</param>
    public static IReadOnlyList<TrainingSequence> Build(
        ToyWorld world, CausalLanguageModel model, TextTokenizer tokenizer, ChatTemplate template, IReadOnlyList<ToyEpisode> episodes,
        SparseAutoencoder sae, HookPoint point, IReadOnlyDictionary<int, int> latentOfSubject, (double Low, double High) boosts,
        IReadOnlySet<int> stopTokens, int seed, CancellationToken cancellationToken = default, Func<ToyEpisode, bool>? driftInLoss = null)
    {
        var judge = new ToyJudge(world);
        var random = new Random(seed);
        var period = tokenizer.TokenToId(".") ?? throw new ArgumentException($"{tokenizer.SourcePath} has no '.' token", nameof(tokenizer));
        var generator = new BatchGenerator(model);
        var sequences = new List<TrainingSequence>();
        var usable = episodes.Where(episode => episode.Subject is { } subject && latentOfSubject.ContainsKey(subject)
                                               && episode.Segments.Any(segment => segment.Kind == ToySegmentKind.Marker)).ToArray();
        foreach (var chunk in usable.Chunk(64))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var plans = chunk.Select(episode =>
            {
                var driftStart = episode.Segments.ToList().FindIndex(segment => segment.Kind == ToySegmentKind.Subject);
                var driftEnd = episode.Segments.ToList().FindIndex(segment => segment.Kind == ToySegmentKind.Marker);
                var leading = episode.Segments.Take(driftStart).ToArray();
                var prompt = template.Render([ChatMessage.User(episode.Prompt)], addGenerationPrompt: true)
                             + string.Join(' ', leading.Select(segment => segment.Text));
                var boost = (float)(boosts.Low + random.NextDouble() * (boosts.High - boosts.Low));
                IReadOnlyList<Intervention> steering = [new AddLatent(latentOfSubject[episode.Subject!.Value], boost)];
                return (Episode: episode, Sentences: Math.Max(1, driftEnd - driftStart), PromptIds: tokenizer.Encode(prompt), Steering: steering,
                    Seed: random.Next());
            }).ToArray();
            using var hook = InterventionHook.PerRow(sae, plans.Select(plan => plan.Steering).ToArray());
            var results = generator.Generate(
                plans.Select(plan => new GenerationRequest(plan.PromptIds, new SamplingOptions(Temperature, MaxNewTokens: DriftTokens), plan.Seed, stopTokens)).ToArray(),
                new ActivationHooks().Add(point, hook), cancellationToken: cancellationToken);
            for (var row = 0; row < plans.Length; row++)
            {
                var plan = plans[row];
                var drift = Cut(results[row].TokenIds, period, plan.Sentences, stopTokens);
                if (drift.Count == 0) continue;
                try
                {
                    var segments = WithSteeredDrift(judge, plan.Episode, tokenizer.Decode(drift), driftInLoss?.Invoke(plan.Episode) == true);
                    sequences.Add(ToyExampleEncoder.Encode(tokenizer, template, plan.Episode with { Segments = segments }) with { Steering = plan.Steering });
                }
                catch (ArgumentException)
                {
                    // The steered text decodes to something that does not tokenize back the same way; drop it.
                }
            }
        }
        return sequences;
    }

    /// <summary>
    /// A self-correction episode's segments with its drift replaced by <paramref name="steeredText"/> (outside the loss):
    /// the leading steps, the text, then the marker and the fresh answer when the judge finds a sentence of the text off
    /// the task, else the fresh answer without the marker and its first step, so the answer goes on.
    /// </summary>
    internal static ToySegment[] WithSteeredDrift(ToyJudge judge, ToyEpisode episode, string steeredText, bool inLoss = false)
    {
        var segments = episode.Segments.ToList();
        var driftStart = segments.FindIndex(segment => segment.Kind == ToySegmentKind.Subject);
        var marker = segments.FindIndex(segment => segment.Kind == ToySegmentKind.Marker);
        var stayedOnTask = judge.Classify(episode.Prompt, steeredText).Sentences
            .Where(sentence => sentence.Scored).All(sentence => sentence.Kind == ToySentenceKind.OnTask);
        return segments.Take(driftStart)
            .Append(new ToySegment(steeredText, ToySegmentKind.Generated, inLoss))
            .Concat(segments.Skip(stayedOnTask ? marker + 2 : marker)).ToArray();
    }

    /// <summary>The generated tokens up to and including the <paramref name="sentences"/>-th period (fewer if fewer were made), before any stop token.</summary>
    private static IReadOnlyList<int> Cut(IReadOnlyList<int> generated, int period, int sentences, IReadOnlySet<int> stopTokens)
    {
        var end = 0;
        var seen = 0;
        for (var i = 0; i < generated.Count && seen < sentences; i++)
        {
            if (stopTokens.Contains(generated[i])) break;
            if (generated[i] == period)
            {
                seen++;
                end = i + 1;
            }
        }
        return generated.Take(end).ToArray();
    }
}
