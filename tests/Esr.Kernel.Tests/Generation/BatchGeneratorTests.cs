using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using Esr.Kernel.Tests.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Generation;

public sealed class BatchGeneratorTests : IDisposable
{
    private static readonly HashSet<int> NoStop = [];
    private readonly RawCheckpoint.LoadedModel _loaded = RawCheckpoint.Loaded(maxPositions: 256);
    private CausalLanguageModel Model => _loaded.Model;

    public void Dispose() => _loaded.Dispose();

    private static GenerationRequest Request(int[] prompt, int seed, double temperature = 1.0, int maxTokens = 12, double penalty = 1.0) =>
        new(prompt, new SamplingOptions(temperature, 1.0, penalty, maxTokens), seed, NoStop);

    [Fact]
    public void Batched_prefill_logits_equal_each_prompt_run_alone()
    {
        int[][] prompts = [[1, 2, 3, 4, 5, 6, 7], [8, 9], [10, 11, 12, 13]];
        using var cache = new KvCache(Model.Config, 3, 7, Model.Dtype);
        var ids = new long[3, 7];
        var mask = new bool[3, 7];
        for (var row = 0; row < 3; row++)
            for (var i = 0; i < prompts[row].Length; i++)
            {
                ids[row, 7 - prompts[row].Length + i] = prompts[row][i];
                mask[row, 7 - prompts[row].Length + i] = true;
            }
        using var logits = Model.Forward(tensor(ids), tensor(mask), cache, lastPositionOnly: true);
        for (var row = 0; row < 3; row++)
        {
            var alone = Model.Logits(prompts[row])[^1];
            var batched = logits[row, 0].data<float>().ToArray();
            for (var token = 0; token < alone.Length; token++) Assert.Equal(alone[token], batched[token], 1e-5);
        }
    }

    [Fact]
    public void Batched_generation_equals_unbatched_with_the_same_seeds()
    {
        GenerationRequest[] requests =
        [
            Request([1, 2, 3, 4, 5, 6, 7], seed: 11),
            Request([8, 9], seed: 22, maxTokens: 5),
            Request([10, 11, 12, 13], seed: 33, penalty: 1.3),
            Request([3], seed: 44, temperature: 0),
        ];
        var generator = new BatchGenerator(Model);
        var batched = generator.Generate(requests);
        for (var i = 0; i < requests.Length; i++)
        {
            var alone = generator.Generate([requests[i]])[0];
            Assert.Equal(alone.TokenIds, batched[i].TokenIds);
        }
        Assert.Equal(5, batched[1].TokenIds.Count);
        Assert.Equal(12, batched[0].TokenIds.Count);
    }

    [Fact]
    public void A_seed_gives_the_same_tokens_whatever_else_is_in_the_batch()
    {
        var generator = new BatchGenerator(Model);
        var target = Request([4, 5, 6], seed: 99);
        var withFriends = generator.Generate([Request([1], 1), target, Request([2, 2, 2, 2, 2], 2)])[1];
        var withOthers = generator.Generate([target, Request([7, 7], 3)])[0];
        Assert.Equal(withFriends.TokenIds, withOthers.TokenIds);
        var otherSeed = generator.Generate([target with { Seed = 100 }])[0];
        Assert.NotEqual(withFriends.TokenIds, otherSeed.TokenIds);
    }

    [Fact]
    public void A_stop_token_ends_the_row_and_is_not_returned()
    {
        var generator = new BatchGenerator(Model);
        var free = generator.Generate([Request([1, 2], seed: 5, maxTokens: 10)])[0];
        var stopAt = free.TokenIds[3];
        var firstStop = free.TokenIds.ToList().IndexOf(stopAt);
        var stopped = generator.Generate([Request([1, 2], seed: 5, maxTokens: 10) with { StopTokenIds = new HashSet<int> { stopAt } }])[0];
        Assert.Equal(FinishReason.Stop, stopped.FinishReason);
        Assert.Equal(free.TokenIds.Take(firstStop), stopped.TokenIds);
        Assert.Equal(FinishReason.Length, free.FinishReason);
    }

    [Fact]
    public void Streaming_reports_every_token_in_order()
    {
        var streamed = new List<GeneratedToken>();
        var results = new BatchGenerator(Model).Generate([Request([1, 2], 1, maxTokens: 4), Request([3], 2, maxTokens: 6)], onToken: streamed.Add);
        for (var row = 0; row < 2; row++)
        {
            var ofRow = streamed.Where(token => token.Request == row).ToList();
            Assert.Equal(results[row].TokenIds, ofRow.Select(token => token.TokenId));
            Assert.Equal(Enumerable.Range(0, ofRow.Count), ofRow.Select(token => token.Index));
        }
    }

    [Fact]
    public void Cancellation_stops_between_steps()
    {
        using var cancellation = new CancellationTokenSource();
        var streamed = 0;
        Assert.Throws<OperationCanceledException>(() => new BatchGenerator(Model).Generate(
            [Request([1, 2], 1, maxTokens: 50)],
            onToken: _ => { if (++streamed == 3) cancellation.Cancel(); },
            cancellationToken: cancellation.Token));
        Assert.Equal(3, streamed);
    }

    [Fact]
    public void Prompt_ids_outside_the_vocabulary_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatchGenerator(Model).Generate([Request([1, RawCheckpoint.Vocabulary], 1)]));
        Assert.Contains("outside the vocabulary", error.Message);
    }

    [Theory]
    [InlineData(250, 10)]
    [InlineData(10, int.MaxValue)]
    public void A_prompt_and_max_new_tokens_beyond_the_context_are_refused_naming_the_sizes(int promptLength, int maxTokens)
    {
        var prompt = Enumerable.Range(0, promptLength).Select(i => 1 + i % (RawCheckpoint.Vocabulary - 1)).ToArray();

        var error = Assert.Throws<ArgumentException>(() => new BatchGenerator(Model).Generate([Request(prompt, 1, maxTokens: maxTokens)]));

        Assert.Contains($"a prompt of {promptLength} tokens plus {maxTokens} new tokens (--max-tokens) needs {(long)promptLength + maxTokens} positions", error.Message);
        Assert.Contains("max_position_embeddings is 256", error.Message);
    }

    [Fact]
    public void A_prompt_and_max_new_tokens_filling_the_context_exactly_generate()
    {
        var prompt = Enumerable.Range(0, 250).Select(i => 1 + i % (RawCheckpoint.Vocabulary - 1)).ToArray();

        var result = new BatchGenerator(Model).Generate([Request(prompt, 1, maxTokens: 6)]);

        Assert.Equal(6, result[0].TokenIds.Count);
    }

    [Fact]
    public void A_forward_pass_longer_than_the_context_is_refused_naming_the_sizes()
    {
        var tokens = Enumerable.Range(0, 257).Select(i => 1 + i % (RawCheckpoint.Vocabulary - 1)).ToArray();

        var error = Assert.Throws<ArgumentException>(() => Model.Logits(tokens));

        Assert.Equal("a sequence of 257 tokens is longer than the model's context: config.json max_position_embeddings is 256", error.Message);
        Assert.Equal(256, Model.Logits(tokens[..256]).Length);
    }
}
