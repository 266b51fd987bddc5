using Esr.Kernel.Experiments.Episodes;
using Esr.Kernel.Interventions;

namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>
/// Experiment 6 (ESR_SPEC §6 Exp 6): one readout of the example's [prompt, response] conversation (templated
/// without the generation prompt) while steering with its latent and boost at the steering point, reading the
/// distractor, the off-topic detectors and the latents of interest at every token at the readout point.
/// </summary>
public static class SequentialActivationsExperiment
{
    /// <summary>Reads the example.</summary>
    public static SequentialActivationsResult Run(ReadoutSetup model, SequentialExample example, SequentialActivationsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(example);
        options ??= new SequentialActivationsOptions();
        var latents = new[] { example.Latent }.Concat(options.OffTopicDetectors).Concat(options.LatentsOfInterest.Keys).Distinct().ToList();
        var ids = model.ConversationIds(example.Prompt, example.Response);
        var strings = model.TokenStrings(ids);
        Intervention[]? steering = options.Steered ? [new AddLatent(example.Latent, (float)example.Threshold)] : null;
        var trace = model.Read(ids, latents, steering);

        int start = TokenAlignment.ResponseStart(strings);
        int Position(string phrase) => TokenAlignment.CharToToken(strings, start, example.Response.IndexOf(phrase, StringComparison.Ordinal));
        return new SequentialActivationsResult(
            example, strings, latents.ToDictionary(l => l, trace.Of), start, Position(options.CorrectionPhrase), Position(options.OnTopicPhrase), options);
    }
}
