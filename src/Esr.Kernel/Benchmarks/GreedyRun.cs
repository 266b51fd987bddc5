using System.Diagnostics;
using Esr.Kernel.Generation;

namespace Esr.Kernel.Benchmarks;

/// <summary>One timed greedy generation of a batch of prompts, by the engine or by a reference engine.</summary>
/// <param name="PrefillTokensPerSecond">Prompt tokens of all rows over the time to every row's first token.</param>
/// <param name="DecodeTokensPerSecond">Tokens after the first, all rows together, over the time after the prefill.</param>
/// <param name="Tokens">The generated tokens of each row.</param>
public sealed record GreedyRun(double PrefillTokensPerSecond, double DecodeTokensPerSecond, int[][] Tokens)
{
    /// <summary>Generates <paramref name="newTokens"/> greedy tokens for every prompt together and times it.</summary>
    public static GreedyRun Time(BatchGenerator generator, int[][] prompts, int newTokens)
    {
        var requests = Requests(prompts, newTokens);
        var clock = Stopwatch.StartNew();
        var prefillSeconds = 0.0;
        var results = generator.Generate(requests, onToken: token =>
        {
            if (token.Index == 0 && token.Request == prompts.Length - 1) prefillSeconds = clock.Elapsed.TotalSeconds;
        });
        var decodeSeconds = clock.Elapsed.TotalSeconds - prefillSeconds;
        var tokens = results.Select(result => result.TokenIds.ToArray()).ToArray();
        return new GreedyRun(prompts.Sum(prompt => prompt.Length) / prefillSeconds, prompts.Length * (newTokens - 1) / decodeSeconds, tokens);
    }

    /// <summary>Greedy requests of <paramref name="newTokens"/> tokens, no stop tokens, so every row runs to the end.</summary>
    internal static GenerationRequest[] Requests(int[][] prompts, int newTokens) =>
        prompts.Select(prompt => new GenerationRequest(prompt, SamplingOptions.Greedy(newTokens), 0, new HashSet<int>())).ToArray();
}
