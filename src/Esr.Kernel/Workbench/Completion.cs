using Esr.Kernel.Generation;

namespace Esr.Kernel;

/// <summary>One generation: what went in, what came out, and the settings that made it.</summary>
/// <param name="Prompt">The prompt as given.</param>
/// <param name="PromptIds">The prompt's token ids as the model saw them (chat template included unless raw).</param>
/// <param name="Text">The generated text, special tokens left out.</param>
/// <param name="TokenIds">The generated ids (the stop token not included).</param>
/// <param name="FinishReason">Stop token or length limit.</param>
/// <param name="Seed">The seed of the generation's random stream.</param>
/// <param name="Steering">The steering applied (scoped and per call together); <see cref="Kernel.Steering.None"/> when unsteered.</param>
/// <param name="Settings">The options, with the repetition penalty and steering as applied.</param>
/// <param name="Model">The model that generated it, as loaded; null for a completion built by hand.</param>
public sealed record Completion(
    string Prompt, IReadOnlyList<int> PromptIds, string Text, IReadOnlyList<int> TokenIds, FinishReason FinishReason, int Seed,
    Steering Steering, GenerateOptions Settings, ModelSettings? Model = null)
{
    /// <summary>
    /// The completion as one line of JSON, the object <c>esr generate --json</c> prints: <c>prompt</c>,
    /// <c>prompt_token_ids</c>, <c>completion</c>, <c>token_ids</c>, <c>finish_reason</c> (stop or length) and
    /// <c>settings</c> (model, quirks, sampling, seed, dtype, device, stop tokens, steering vectors and SAE interventions).
    /// </summary>
    public string ToJson() => CompletionJson.Write(this);

    /// <summary>The generated text.</summary>
    public override string ToString() => Text;
}
