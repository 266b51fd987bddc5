using Esr.Kernel.Analysis.Figures;
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
        if (options.Boundaries is { Valid: true } boundaries) options = options with { Regions = RegionsOf(strings, start, example.Response, boundaries) };
        int Position(string phrase) => TokenAlignment.CharToToken(strings, start, example.Response.IndexOf(phrase, StringComparison.Ordinal));
        return new SequentialActivationsResult(
            example, strings, latents.ToDictionary(l => l, trace.Of), start, Position(options.CorrectionPhrase), Position(options.OnTopicPhrase), options);
    }

    // The example's own parts: the prompt up to the response's first word, an on-topic opening when the drift comes later, then
    // the drift, the correction and the return, each from the boundary's token.
    private static IReadOnlyList<FigureRegion> RegionsOf(IReadOnlyList<string> strings, int start, string response, BoundaryAnnotation boundaries)
    {
        var token = TokenAlignment.CharMap(strings, start, response, BoundaryMapping.Aligned);
        var (firstWord, offTopic, correction, onTopic) = (token(0), token(boundaries.OffTopicCharStart), token(boundaries.CorrectionCharStart), token(boundaries.OnTopicCharStart));
        List<FigureRegion> regions = [new(TokenRegion.UserPrompt, 0)];
        if (offTopic > firstWord) regions.Add(new(TokenRegion.OnTopic, firstWord));
        regions.AddRange([new(TokenRegion.OffTopic, offTopic), new(TokenRegion.SelfCorrection, correction), new(TokenRegion.OnTopic, onTopic)]);
        return regions;
    }
}
