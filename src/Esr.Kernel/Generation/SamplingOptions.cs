namespace Esr.Kernel.Generation;

/// <summary>How one request picks its tokens.</summary>
/// <param name="Temperature">0 for greedy decoding; otherwise logits are divided by it before sampling.</param>
/// <param name="TopP">Nucleus sampling: keep the most likely tokens until their mass reaches TopP (1 keeps all).</param>
/// <param name="RepetitionPenalty">
/// vLLM's semantics (ESR_SPEC §1.5): every token id present in the prompt or the output so far has a positive
/// logit divided by the penalty and a negative logit multiplied by it; 1 disables it. Applied before temperature.
/// </param>
/// <param name="MaxNewTokens">The most tokens to generate (the stop token is not counted).</param>
public sealed record SamplingOptions(double Temperature = 0.6, double TopP = 1.0, double RepetitionPenalty = 1.0, int MaxNewTokens = 512)
{
    /// <summary>Greedy decoding with no penalty.</summary>
    public static SamplingOptions Greedy(int maxNewTokens) => new(Temperature: 0, MaxNewTokens: maxNewTokens);

    /// <summary>Throws when a value is out of range, naming it.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be a finite number >= 0");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
        if (!(RepetitionPenalty > 0) || double.IsInfinity(RepetitionPenalty)) throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "repetition penalty must be a finite number > 0");
        if (MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "max new tokens must be >= 0");
    }
}
