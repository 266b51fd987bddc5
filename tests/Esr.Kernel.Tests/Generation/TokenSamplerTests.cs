using Esr.Kernel.Generation;

namespace Esr.Kernel.Tests.Generation;

public class TokenSamplerTests
{
    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        float[] logits = [2f, -2f, 1f, 0f];
        TokenSampler.ApplyRepetitionPenalty(logits, [0, 1], 2.0);
        Assert.Equal([1f, -4f, 1f, 0f], logits);
    }

    [Fact]
    public void Repetition_penalty_counts_a_token_once_however_often_it_was_seen()
    {
        float[] logits = [3f, 1f];
        var seen = new HashSet<int> { 0, 0, 0 };
        TokenSampler.ApplyRepetitionPenalty(logits, seen, 1.5);
        Assert.Equal(2f, logits[0]);
    }

    [Fact]
    public void Temperature_scales_logits_before_the_softmax()
    {
        float[] logits = [0f, MathF.Log(2f)];
        var probabilities = TokenSampler.NucleusProbabilities(logits, temperature: 0.5, topP: 1.0);
        Assert.Equal(0.2, probabilities[0], 7); // ln 2 rounded to float32
        Assert.Equal(0.8, probabilities[1], 7);
    }

    [Theory]
    [InlineData(0.7, new[] { 0.625, 0.375, 0.0 })]
    [InlineData(0.5, new[] { 1.0, 0.0, 0.0 })]
    [InlineData(0.81, new[] { 0.5, 0.3, 0.2 })]
    [InlineData(1.0, new[] { 0.5, 0.3, 0.2 })]
    public void Top_p_keeps_the_shortest_run_of_likely_tokens_reaching_p(double topP, double[] expected)
    {
        float[] logits = [MathF.Log(0.3f), MathF.Log(0.5f), MathF.Log(0.2f)];
        var probabilities = TokenSampler.NucleusProbabilities(logits, 1.0, topP);
        double[] byToken = [expected[1], expected[0], expected[2]];
        for (var i = 0; i < 3; i++) Assert.Equal(byToken[i], probabilities[i], 6);
    }

    [Theory]
    [InlineData(5.0, 0.6, 0.9)]     // peaked: few candidates
    [InlineData(5.0, 1.0, 0.1)]
    [InlineData(5.0, 1.0, 0.999999)] // nearly every token a candidate
    [InlineData(0.5, 1.0, 0.5)]     // flat: most tokens candidates
    [InlineData(0.0, 1.0, 0.5)]     // all tied: the lowest ids first
    [InlineData(-1.0, 0.6, 0.9)]    // whole-number logits, many ties, some -inf
    [InlineData(double.NaN, 1.0, 0.9)] // NaN logits: no candidate, so the whole vocabulary is sorted
    public void Top_p_keeps_what_sorting_the_whole_vocabulary_keeps_bit_for_bit(double scale, double temperature, double topP)
    {
        var random = new Random(3);
        var logits = Enumerable.Range(0, 20_000).Select(index => scale switch
        {
            < 0 => index % 97 == 0 ? float.NegativeInfinity : (float)Math.Round(random.NextDouble() * 6),
            _ => (float)(scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())),
        }).ToArray();

        Assert.Equal(SortedNucleus(logits, temperature, topP), TokenSampler.NucleusProbabilities(logits, temperature, topP));
    }

    // The definition: softmax, then every token sorted by falling probability (ties by id), kept until their sum reaches top-p.
    private static double[] SortedNucleus(float[] logits, double temperature, double topP)
    {
        var max = logits.Max();
        var probabilities = logits.Select(logit => Math.Exp((logit - (double)max) / temperature)).ToArray();
        var total = 0.0;
        foreach (var probability in probabilities) total += probability;
        for (var i = 0; i < probabilities.Length; i++) probabilities[i] /= total;
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(index => probabilities[index]).ThenBy(index => index).ToArray();
        var kept = 0.0;
        var keep = 0;
        while (keep < order.Length && kept < topP) kept += probabilities[order[keep++]];
        foreach (var index in order.Skip(keep)) probabilities[index] = 0;
        return [.. probabilities.Select(probability => probability / kept)];
    }

    [Fact]
    public void Greedy_picks_the_largest_logit_after_the_penalty()
    {
        float[] logits = [5f, 4f, 1f];
        var token = TokenSampler.Next(logits, new SamplingOptions(Temperature: 0, RepetitionPenalty: 2.0), [0], new Random(1));
        Assert.Equal(1, token);
    }

    [Fact]
    public void Sampling_follows_the_distribution()
    {
        var random = new Random(12345);
        var counts = new int[3];
        var options = new SamplingOptions(Temperature: 1.0, TopP: 0.7);
        for (var draw = 0; draw < 20000; draw++)
        {
            float[] logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f)];
            counts[TokenSampler.Next(logits, options, [], random)]++;
        }
        Assert.Equal(0, counts[2]);                         // outside the nucleus
        Assert.InRange(counts[0] / 20000.0, 0.605, 0.645);  // 0.625 ± 5 standard errors
    }

    [Fact]
    public void Rows_picked_on_several_threads_get_the_tokens_one_thread_gives_them()
    {
        const int vocabulary = 100_000, rows = 16;
        var random = new Random(7);
        var logits = Enumerable.Range(0, rows * vocabulary).Select(_ => (float)(random.NextDouble() * 8)).ToArray();
        SamplingOptions[] settings = [new(Temperature: 0.6), new(Temperature: 1.0, TopP: 0.9), SamplingOptions.Greedy(4), new(Temperature: 0.6, RepetitionPenalty: 1.3)];
        SamplingRow?[] Rows() =>
            [.. Enumerable.Range(0, rows).Select(row => row == 5 ? null : new SamplingRow(settings[row % settings.Length], [row, 3 * row], new Random(100 + row)))];
        int[] Pick(bool parallel) => TokenSampler.NextForRows((float[])logits.Clone(), vocabulary, Rows(), parallel);

        var alone = Rows().Select((row, index) => row is null ? -1
            : TokenSampler.Next(((float[])logits.Clone()).AsSpan(index * vocabulary, vocabulary), row.Options, row.Seen, row.Random)).ToArray();
        Assert.Equal(alone, Pick(parallel: false));
        for (var round = 0; round < 5; round++) Assert.Equal(alone, Pick(parallel: true));
        Assert.Equal(-1, alone[5]);
        // The rows' draws differ, so a row that read another's logits, probabilities or stream would show.
        Assert.Equal(rows - 1, alone.Where(token => token >= 0).Distinct().Count());
    }

    [Theory]
    [InlineData(2, 128_256, true)]   // Llama-3 rows
    [InlineData(32, 32_000, true)]   // the bench model's
    [InlineData(1, 256_000, false)]  // one row: nothing to spread
    [InlineData(64, 31_999, false)]
    [InlineData(65, 2_046, false)]   // toy rows stay on one thread (toy experiment 1 read 7 % lower on the pool)
    public void Only_steps_of_several_large_vocabulary_rows_go_to_the_thread_pool_unless_told(int rows, int vocabulary, bool pooled)
    {
        Assert.Equal(pooled, TokenSampler.UsesPool(rows, vocabulary));
    }

    [Fact]
    public void Invalid_settings_are_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions(TopP: 0).Validate());
        Assert.Equal("TopP", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions(Temperature: -1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions(RepetitionPenalty: 0).Validate());
    }
}
