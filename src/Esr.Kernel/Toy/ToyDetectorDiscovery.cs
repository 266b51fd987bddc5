using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Results;

namespace Esr.Kernel.Toy;

/// <summary>
/// The toy world's off-topic-detector discovery, by separability rather than the paper's contrastive rule (experiment
/// 3a, which finds none in the toy models): each steered trial of an experiment-1 run is read again, prompt and response
/// whole with the trial's steering as during generation, and every token of the response's first attempt (before
/// the first marker) is labelled by the exact judge's kind of its sentence: on task, or off topic (any other scored
/// kind: subject, garbage, another task). Each latent's AUC separating the off-topic tokens from the on-task ones,
/// pooled over trials, decides (<see cref="ToyDetectorRule"/>); the steered latents are left out, being the cause.
/// </summary>
public static class ToyDetectorDiscovery
{
    /// <summary>Runs the discovery over the trials that were steered (boost ≠ 0) and did not fail.</summary>
    /// <exception cref="InvalidDataException">No such trial, a prompt that names no toy task, or a side without tokens.</exception>
    public static ToyDetectorResult Run(
        ReadoutSetup model, IReadOnlyList<TrialRecord> trials, ToyDetectorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trials);
        options ??= new ToyDetectorOptions();
        var steered = trials.Where(t => t.Boost != 0 && t.Error is null && t.LatentError is null).ToList();
        if (steered.Count == 0) throw new InvalidDataException($"none of its {trials.Count} trials was steered (boost ≠ 0) without an error");

        var judge = new ToyJudge(options.World);
        var samples = new ToyTokenSamples(model.Sae.LatentCount);
        foreach (var trial in steered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The prompt as generation fed it, then the response's own tokens: no end-of-turn token after them.
            var promptIds = model.PromptIds(trial.Prompt);
            var responseIds = model.Tokenizer.Encode(trial.Response, addSpecialTokens: false);
            var labels = FirstAttemptLabels(judge, trial, model.TokenStrings(responseIds), options.SentenceEnds);
            var steering = TrialRunner.Interventions(steered: true, trial.Latent, trial.Boost, trial.AblatedLatents);
            var trace = model.Read([.. promptIds, .. responseIds], null, steering);
            for (var i = 0; i < labels.Length; i++)
                if (labels[i] is { } offTopic) samples.Add(trace.Tokens[promptIds.Length + i], offTopic);
        }
        if (samples.OffTopicTokens == 0 || samples.OnTaskTokens == 0)
            throw new InvalidDataException($"the first attempts of its {steered.Count} steered trials hold {samples.OffTopicTokens} off-topic and " +
                $"{samples.OnTaskTokens} on-task tokens; the AUC needs both");

        var steeredLatents = steered.Select(t => t.Latent).Distinct().Order().ToList();
        var candidates = Enumerable.Range(0, model.Sae.LatentCount).Except(steeredLatents).Select(samples.Stats);
        return new ToyDetectorResult(options.Rule.Select(candidates), steered.Count, samples.OffTopicTokens, samples.OnTaskTokens, steeredLatents, options);
    }

    // Per response token: true when off topic, false when on task, null outside the first attempt's scored sentences.
    private static bool?[] FirstAttemptLabels(ToyJudge judge, TrialRecord trial, IReadOnlyList<string> tokenTexts, bool sentenceEnds)
    {
        ToyClassification classification;
        try
        {
            classification = judge.Classify(trial.Prompt, trial.Response);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"trial {trial.Key}: {e.Message}", e);
        }
        var sentences = classification.Sentences;
        var starts = classification.SentenceStarts(trial.Response);
        var labels = new bool?[tokenTexts.Count];
        for (int i = 0, cursor = 0, sentence = 0; i < tokenTexts.Count; i++)
        {
            var at = trial.Response.IndexOf(tokenTexts[i], cursor, StringComparison.Ordinal);
            if (at < 0) throw new InvalidDataException($"trial {trial.Key}: its response does not spell token '{tokenTexts[i]}' where it comes");
            cursor = at + tokenTexts[i].Length;
            while (sentence + 1 < sentences.Count && starts[sentence + 1] <= at) sentence++;
            var s = sentences[sentence];
            var end = starts[sentence] + s.Text.Length;
            if (s.Segment == 0 && s.Scored && at < end && (!sentenceEnds || cursor >= end)) labels[i] = s.Kind != ToySentenceKind.OnTask;
        }
        return labels;
    }
}
