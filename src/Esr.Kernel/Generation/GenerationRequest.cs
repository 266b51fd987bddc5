namespace Esr.Kernel.Generation;

/// <summary>One prompt to continue.</summary>
/// <param name="PromptIds">The prompt's token ids, special tokens included.</param>
/// <param name="Sampling">How to pick tokens.</param>
/// <param name="Seed">The seed of this request's own random stream: in a <see cref="BatchFrame"/>, the same seed gives the same
/// tokens whatever else is in the batch (without one, the batch's shape can change the last bits, and so now and then a token).</param>
/// <param name="StopTokenIds">Tokens that end the generation (not included in the output).</param>
public sealed record GenerationRequest(IReadOnlyList<int> PromptIds, SamplingOptions Sampling, int Seed, IReadOnlySet<int> StopTokenIds);
