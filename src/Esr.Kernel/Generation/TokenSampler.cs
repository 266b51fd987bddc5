namespace Esr.Kernel.Generation;

/// <summary>
/// Picks the next token of one sequence from its logits: repetition penalty, then greedy or temperature sampling
/// with top-p. Runs on the CPU with the request's own random stream, so the draw does not depend on the rest of
/// the batch (and in a <see cref="BatchFrame"/> the logits do not either).
/// </summary>
public static class TokenSampler
{
    /// <summary>Applies vLLM's repetition penalty in place to every id in <paramref name="seen"/>.</summary>
    public static void ApplyRepetitionPenalty(Span<float> logits, IEnumerable<int> seen, double penalty)
    {
        if (penalty == 1.0) return;
        foreach (var id in seen)
        {
            var logit = logits[id];
            logits[id] = (float)(logit > 0 ? logit / penalty : logit * penalty);
        }
    }

    /// <summary>
    /// Probabilities softmax(logits / temperature), with every token outside the top-p nucleus set to zero and the
    /// rest renormalised. The nucleus is the shortest run of most likely tokens whose mass reaches top-p.
    /// </summary>
    public static double[] NucleusProbabilities(ReadOnlySpan<float> logits, double temperature, double topP)
    {
        var probabilities = new double[logits.Length];
        var max = double.NegativeInfinity;
        foreach (var logit in logits) max = Math.Max(max, logit);
        var total = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp((logits[i] - max) / temperature);
            total += probabilities[i];
        }
        for (var i = 0; i < probabilities.Length; i++) probabilities[i] /= total;
        if (topP >= 1.0) return probabilities;

        var order = Enumerable.Range(0, probabilities.Length).ToArray();
        Array.Sort(order, (a, b) => probabilities[b].CompareTo(probabilities[a]) is var byMass and not 0 ? byMass : a.CompareTo(b));
        var kept = 0.0;
        var keep = 0;
        while (keep < order.Length && kept < topP) kept += probabilities[order[keep++]];
        for (var rank = keep; rank < order.Length; rank++) probabilities[order[rank]] = 0;
        for (var i = 0; i < probabilities.Length; i++) probabilities[i] /= kept;
        return probabilities;
    }

    /// <summary>Picks the next token; <paramref name="logits"/> is modified (penalty applied).</summary>
    public static int Next(Span<float> logits, SamplingOptions options, IEnumerable<int> seen, Random random)
    {
        ApplyRepetitionPenalty(logits, seen, options.RepetitionPenalty);
        if (options.Temperature == 0) return ArgMax(logits);
        var probabilities = NucleusProbabilities(logits, options.Temperature, options.TopP);
        var target = random.NextDouble();
        var cumulative = 0.0;
        var last = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] == 0) continue;
            cumulative += probabilities[i];
            last = i;
            if (target < cumulative) return i;
        }
        return last; // rounding left the total a hair under the draw
    }

    /// <summary>The index of the largest logit (the lowest index on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
