namespace Esr.LlamaCpp.Tests;

[Collection(TinyModelsCollection.Name)]
public sealed class LlamaCppModelTests(TinyModels models)
{
    public static TheoryData<string> PresetNames => new(TinyModels.Presets.Select(p => p.Name));

    private static int[] Sequence(int length, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(vocab)).ToArray();
    }

    private static float[] RandomVector(int length, int seed, double scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(scale * (random.NextDouble() - 0.5))).ToArray();
    }

    private static float MaxAbsDifference(float[][] a, float[][] b) =>
        a.Select((row, t) => row.Select((value, i) => Math.Abs(value - b[t][i])).Max()).Max();

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_preset_loads_and_gives_finite_logits_at_every_position(string preset)
    {
        var model = models[preset];
        var tokens = Sequence(20, model.VocabSize, 1);
        var logits = model.Logits(tokens);
        Assert.Equal(tokens.Length, logits.Length);
        Assert.All(logits, row => Assert.Equal(model.VocabSize, row.Length));
        Assert.All(logits, row => Assert.All(row, value => Assert.True(float.IsFinite(value))));
        Assert.True(logits[5].Max() - logits[5].Min() > 0.5f, "random weights should give clearly non-uniform logits");
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void A_block_output_has_one_row_of_width_d_per_token(string preset)
    {
        var model = models[preset];
        var tokens = Sequence(13, model.VocabSize, 2);
        var hidden = model.HiddenStates(tokens, model.LayerCount - 1);
        Assert.Equal(13, hidden.Length);
        Assert.All(hidden, row => Assert.Equal(model.EmbeddingSize, row.Length));
        Assert.All(hidden, row => Assert.All(row, value => Assert.True(float.IsFinite(value))));
    }

    [Fact]
    public void Model_dimensions_come_from_the_exported_file()
    {
        var spec = TinySpec.LlamaGqaUntied;
        var model = models["llama-gqa-untied"];
        Assert.Equal((spec.Layers, spec.HiddenSize, spec.VocabSize), (model.LayerCount, model.EmbeddingSize, model.VocabSize));
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Greedy_continuation_is_deterministic_and_agrees_with_full_recomputation(string preset)
    {
        var model = models[preset];
        var prompt = Sequence(9, model.VocabSize, 3);
        var first = model.GreedyContinue(prompt, 8);
        Assert.Equal(first, model.GreedyContinue(prompt, 8));
        Assert.Equal(8, first.Length);

        // The cached decode path must pick what a fresh pass over prompt + continuation picks at each position.
        var full = model.Logits(prompt.Concat(first).ToArray());
        for (var k = 0; k < first.Length; k++)
        {
            var row = full[prompt.Length - 1 + k];
            Assert.Equal(Array.IndexOf(row, row.Max()), first[k]);
        }
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void A_control_vector_changes_the_logits_after_its_block_and_a_zero_vector_changes_nothing(string preset)
    {
        var model = models[preset];
        var tokens = Sequence(12, model.VocabSize, 4);
        var plain = model.Logits(tokens);
        var zero = model.Logits(tokens, [(1, new float[model.EmbeddingSize])]);
        Assert.Equal(0f, MaxAbsDifference(plain, zero));

        var steered = model.Logits(tokens, [(1, RandomVector(model.EmbeddingSize, 5, scale: 4))]);
        Assert.True(MaxAbsDifference(plain, steered) > 0.05f);
        // Unsteered again: no steering leaks from one call into the next.
        Assert.Equal(0f, MaxAbsDifference(plain, model.Logits(tokens)));
    }

    [Fact]
    public void A_control_vector_is_added_to_the_output_of_its_block_at_every_position()
    {
        var model = models["llama-gqa-untied"];
        var tokens = Sequence(10, model.VocabSize, 6);
        var vector = RandomVector(model.EmbeddingSize, 7);
        var plain = model.HiddenStates(tokens, 1);
        var steered = model.HiddenStates(tokens, 1, [(1, vector)]);
        for (var t = 0; t < tokens.Length; t++)
            for (var i = 0; i < vector.Length; i++)
                Assert.Equal(plain[t][i] + vector[i], steered[t][i], 1e-5f);
    }

    [Fact]
    public void Vectors_for_the_same_block_add_up()
    {
        var model = models["llama-gqa-untied"];
        var tokens = Sequence(10, model.VocabSize, 8);
        var vector = RandomVector(model.EmbeddingSize, 9);
        var doubled = vector.Select(x => 2 * x).ToArray();
        var twice = model.Logits(tokens, [(2, vector), (2, vector)]);
        Assert.True(MaxAbsDifference(twice, model.Logits(tokens, [(2, doubled)])) < 1e-5f);
    }

    [Fact]
    public void Steering_block_0_is_a_clear_error()
    {
        var model = models["llama-gqa-untied"];
        var error = Assert.Throws<ArgumentException>(() => model.Logits([1, 2, 3], [(0, new float[model.EmbeddingSize])]));
        Assert.Contains("block 0", error.Message);
    }

    [Fact]
    public void Steering_vectors_of_the_wrong_width_or_block_are_rejected()
    {
        var model = models["llama-gqa-untied"];
        Assert.Throws<ArgumentException>(() => model.Logits([1, 2, 3], [(1, new float[model.EmbeddingSize + 1])]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Logits([1, 2, 3], [(model.LayerCount, new float[model.EmbeddingSize])]));
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Batched_sequences_continue_exactly_as_they_do_alone(string preset)
    {
        var model = models[preset];
        int[][] prompts = [Sequence(7, model.VocabSize, 10), Sequence(11, model.VocabSize, 11), Sequence(7, model.VocabSize, 12)];
        var batched = model.RunBatched(prompts, 6);
        Assert.Equal(3, batched.Batch);
        Assert.Equal(25, batched.PromptTokens);
        Assert.Equal(5, batched.DecodeSteps);
        for (var s = 0; s < prompts.Length; s++) Assert.Equal(model.GreedyContinue(prompts[s], 6), batched.Tokens[s]);
        Assert.True(batched.PrefillTokensPerSecond > 0 && batched.DecodeTokensPerSecond > 0);
    }

    [Fact]
    public void Steering_applies_to_generated_tokens_too()
    {
        var model = models["llama-tied-llama3-rope"];
        var prompt = Sequence(6, model.VocabSize, 13);
        List<(int Block, float[] Vector)> steering = [(1, RandomVector(model.EmbeddingSize, 14, scale: 2))];
        var generated = model.GreedyContinue(prompt, 6, steering);
        var full = model.Logits(prompt.Concat(generated).ToArray(), steering);
        for (var k = 0; k < generated.Length; k++)
        {
            var row = full[prompt.Length - 1 + k];
            Assert.Equal(Array.IndexOf(row, row.Max()), generated[k]);
        }
    }
}

[Collection(TinyModelsCollection.Name)]
public sealed class LlamaCppBatchingTests(TinyModels models)
{
    [Fact]
    public void Small_batches_and_micro_batches_give_the_same_results_as_one_batch()
    {
        const string preset = "gemma2-sliding-window";
        var reference = models[preset];
        using var chopped = LlamaCppModel.Load(models.GgufPath(preset), new LlamaCppOptions { Threads = 2, BatchSize = 5, MicroBatchSize = 4 });
        var tokens = Enumerable.Range(0, 13).Select(i => (i * 29 + 3) % reference.VocabSize).ToArray();

        Assert.Equal(reference.HiddenStates(tokens, 1), chopped.HiddenStates(tokens, 1), new RowsWithin(1e-5f));
        Assert.Equal(reference.Logits(tokens), chopped.Logits(tokens), new RowsWithin(1e-5f));

        int[][] prompts = [tokens[..7], tokens[2..13], tokens[5..9], tokens[..3], tokens[4..10], tokens[1..8]];
        var expected = reference.RunBatched(prompts, 5).Tokens;
        Assert.Equal(expected, chopped.RunBatched(prompts, 5).Tokens); // six sequences > five-token batches
    }

    private sealed class RowsWithin(float tolerance) : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? a, float[]? b) => a!.Length == b!.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= tolerance);

        public int GetHashCode(float[] row) => row.Length;
    }
}
