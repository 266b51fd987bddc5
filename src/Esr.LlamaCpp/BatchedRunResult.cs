namespace Esr.LlamaCpp;

/// <summary>
/// Outcome and timings of <see cref="LlamaCppModel.RunBatched"/>: B sequences prefilled together, then
/// continued greedily together, one sequence id per row.
/// </summary>
/// <param name="Tokens">Generated tokens per sequence. Token 0 comes from the prefill's logits; each later token
/// from one decode step that fed the previous token of every sequence.</param>
/// <param name="PromptTokens">Prompt tokens evaluated in the prefill, all sequences together.</param>
/// <param name="PrefillSeconds">Wall time from the first prompt batch to the first generated token of every sequence.</param>
/// <param name="DecodeSeconds">Wall time of the decode steps (there are <c>Tokens[b].Length - 1</c> of them), argmax included.</param>
public sealed record BatchedRunResult(int[][] Tokens, int PromptTokens, double PrefillSeconds, double DecodeSeconds)
{
    /// <summary>Number of sequences B.</summary>
    public int Batch => Tokens.Length;

    /// <summary>Decode steps performed (each evaluates one token of every sequence).</summary>
    public int DecodeSteps => Tokens.Length == 0 ? 0 : Math.Max(Tokens[0].Length - 1, 0);

    /// <summary>Prompt tokens per second of the prefill, all sequences together.</summary>
    public double PrefillTokensPerSecond => PromptTokens / PrefillSeconds;

    /// <summary>Aggregate decode throughput: B × decode steps / decode time.</summary>
    public double DecodeTokensPerSecond => DecodeSteps == 0 ? 0 : Batch * (double)DecodeSteps / DecodeSeconds;
}
