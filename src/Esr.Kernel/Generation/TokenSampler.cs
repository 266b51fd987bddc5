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
        NucleusProbabilities(logits, temperature, topP, probabilities);
        return probabilities;
    }

    /// <summary>
    /// <see cref="NucleusProbabilities(ReadOnlySpan{float}, double, double)"/> written into the first logits.Length
    /// entries of <paramref name="probabilities"/>, so that sampling every step reuses one buffer (a fresh one is 1 MB a
    /// row and token at Llama-3's vocabulary).
    /// </summary>
    private static void NucleusProbabilities(ReadOnlySpan<float> logits, double temperature, double topP, double[] probabilities)
    {
        var count = logits.Length;
        var max = double.NegativeInfinity;
        foreach (var logit in logits) max = Math.Max(max, logit);
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            probabilities[i] = Math.Exp((logits[i] - max) / temperature);
            total += probabilities[i];
        }
        for (var i = 0; i < count; i++) probabilities[i] /= total;
        if (topP >= 1.0) return;

        // The tokens of probability at least p, sorted alone, come in the order the whole vocabulary's sort (about 16 ms a
        // row at 128,256 logits) puts them first; if their sum reaches topP, the nucleus and its sum are the same. Every
        // token under (1 - topP) / count together holds less than 1 - topP, so from that p down the sum reaches it but
        // for rounding; a p 256 times higher usually does too, with far fewer tokens to sort. Short of it, all are sorted.
        var least = (1 - topP) / count;
        var (order, keep, kept) = Nucleus(probabilities, count, topP, 256 * least);
        if (kept < topP) (order, keep, kept) = Nucleus(probabilities, count, topP, least);
        if (kept < topP && order.Length < count) (order, keep, kept) = Nucleus(probabilities, count, topP, null);
        var nucleus = order[..keep].Select(index => probabilities[index]).ToArray();
        Array.Clear(probabilities, 0, count);
        for (var rank = 0; rank < keep; rank++) probabilities[order[rank]] = nucleus[rank];
        for (var i = 0; i < count; i++) probabilities[i] /= kept;
    }

    /// <summary>
    /// The tokens of probability at least <paramref name="least"/> (null: every token) by falling probability (ties by
    /// index), and how many of them, summed in that order, first reach <paramref name="topP"/>.
    /// </summary>
    private static (int[] Order, int Keep, double Kept) Nucleus(double[] probabilities, int count, double topP, double? least)
    {
        var candidates = new List<int>();
        for (var index = 0; index < count; index++)
            if (least is not { } floor || probabilities[index] >= floor) candidates.Add(index);
        var order = candidates.ToArray();
        Array.Sort(order, (a, b) => probabilities[b].CompareTo(probabilities[a]) is var byMass and not 0 ? byMass : a.CompareTo(b));
        var kept = 0.0;
        var keep = 0;
        while (keep < order.Length && kept < topP) kept += probabilities[order[keep++]];
        return (order, keep, kept);
    }

    /// <summary>Picks the next token; <paramref name="logits"/> is modified (penalty applied).</summary>
    public static int Next(Span<float> logits, SamplingOptions options, IEnumerable<int> seen, Random random) =>
        Next(logits, options, seen, random, options.Temperature == 0 ? [] : new double[logits.Length]);

    /// <summary><see cref="Next(Span{float}, SamplingOptions, IEnumerable{int}, Random)"/> with the probabilities in <paramref name="probabilities"/> (at least logits.Length long when sampling).</summary>
    private static int Next(Span<float> logits, SamplingOptions options, IEnumerable<int> seen, Random random, double[] probabilities)
    {
        ApplyRepetitionPenalty(logits, seen, options.RepetitionPenalty);
        if (options.Temperature == 0) return ArgMax(logits);
        NucleusProbabilities(logits, options.Temperature, options.TopP, probabilities);
        var target = random.NextDouble();
        var cumulative = 0.0;
        var last = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (probabilities[i] == 0) continue;
            cumulative += probabilities[i];
            last = i;
            if (target < cumulative) return i;
        }
        return last; // rounding left the total a hair under the draw
    }

    /// <summary>
    /// <see cref="Next(Span{float}, SamplingOptions, IEnumerable{int}, Random)"/> for every row that has settings. The
    /// rows are independent (each its own settings, seen tokens and random stream), so they can be picked on several
    /// threads with the same tokens: at Llama-3's vocabulary one row's softmax takes about 1.3 ms, 33 ms a step for 32
    /// rows on one thread.
    /// </summary>
    /// <param name="logits">[rows.Count, vocabulary], row by row; a penalty is applied in place.</param>
    /// <param name="vocabulary">Logits a row.</param>
    /// <param name="rows">Each row's settings, or null for a row that picks nothing (it gets -1).</param>
    /// <param name="parallel">Whether to spread the rows over the thread pool; null: as <see cref="UsesPool"/> says.</param>
    internal static int[] NextForRows(float[] logits, int vocabulary, IReadOnlyList<SamplingRow?> rows, bool? parallel = null)
    {
        var tokens = new int[rows.Count];
        // Each thread's rows share one probability buffer, its own; greedy rows need none.
        var sampling = rows.Any(row => row is { Options.Temperature: not 0 });
        double[] Buffer() => sampling ? new double[vocabulary] : [];
        double[] Pick(int index, double[] probabilities)
        {
            tokens[index] = rows[index] is { } row ? Next(logits.AsSpan(index * vocabulary, vocabulary), row.Options, row.Seen, row.Random, probabilities) : -1;
            return probabilities;
        }
        if (parallel ?? UsesPool(rows.Count, vocabulary))
            Parallel.For(0, rows.Count, Buffer, (index, _, probabilities) => Pick(index, probabilities), _ => { });
        else
        {
            var probabilities = Buffer();
            for (var index = 0; index < rows.Count; index++) Pick(index, probabilities);
        }
        return tokens;
    }

    /// <summary>
    /// The least vocabulary whose rows <see cref="NextForRows"/> spreads over the thread pool: the bench model's 32,000
    /// (Llama-3 has 128,256, Gemma-2 256,000). A toy row of 2,046 logits takes about 20 µs, and many of them on the pool
    /// ran no faster than on one thread (docs/PERFORMANCE.md).
    /// </summary>
    internal const int ParallelVocabulary = 32_000;

    /// <summary>Whether <see cref="NextForRows"/> spreads a step's rows over the thread pool when not told.</summary>
    internal static bool UsesPool(int rows, int vocabulary) => rows > 1 && vocabulary >= ParallelVocabulary;

    /// <summary>The index of the largest logit (the lowest index on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
