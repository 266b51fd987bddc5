using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Models;
using Esr.Kernel.Toy;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Generation;

/// <summary>
/// Batch independence on a model wide enough for the matrix kernels to round by shape (the committed toy-l model):
/// in a fixed <see cref="BatchFrame"/> a row's numbers are bit for bit the same whatever shares its batch.
/// </summary>
public sealed class BatchFrameTests : IDisposable
{
    private static readonly HashSet<int> NoStop = [];
    private readonly CausalLanguageModel _model = CausalLanguageModel.Load(Path.Combine(ToyZoo.Locate(), "toy-l-sa60"));
    private readonly Random _random = new(3);

    public void Dispose() => _model.Dispose();

    private GenerationRequest Request(int promptTokens, int seed, int maxTokens = 12) =>
        new(Enumerable.Range(0, promptTokens).Select(_ => _random.Next(5, 2000)).ToArray(), new SamplingOptions(1.0, 1.0, 1.1, maxTokens), seed, NoStop);

    /// <summary>Copies one row of the last block's output at its last position (the one the next token comes from), every step.</summary>
    private sealed class RowCapture(int row) : IActivationHook
    {
        public List<float[]> Steps { get; } = [];

        public Tensor Apply(Tensor activation, HookContext context)
        {
            Steps.Add(activation[row, activation.shape[1] - 1].data<float>().ToArray());
            return activation;
        }
    }

    private (IReadOnlyList<int> Tokens, List<float[]> Steps) Generate(BatchFrame? frame, IReadOnlyList<GenerationRequest> batch, int row)
    {
        var capture = new RowCapture(row);
        var hooks = new ActivationHooks().Add(HookPoint.ResidPost(_model.Config.LayerCount - 1), capture);
        var result = new BatchGenerator(_model, frame).Generate(batch, hooks)[row];
        return (result.TokenIds, capture.Steps);
    }

    [Fact]
    public void In_a_fixed_frame_a_row_computes_the_same_bits_whatever_shares_its_batch()
    {
        var frame = new BatchFrame(Rows: 16, PromptTokens: 40);
        var target = Request(20, seed: 5);
        var alone = Generate(frame, [target], 0);
        var withTwo = Generate(frame, [Request(3, 1), target, Request(40, 2, maxTokens: 4)], 1);
        var full = Enumerable.Range(0, 16).Select(i => i == 9 ? target : Request(1 + _random.Next(40), 10 + i, maxTokens: _random.Next(16))).ToArray();
        var withFifteen = Generate(frame, full, 9);

        // The target's own steps: the prefill and a decoding step per token but the last (a batch runs on while any row does).
        Assert.Equal(12, alone.Steps.Count);
        foreach (var other in new[] { withTwo, withFifteen })
        {
            Assert.Equal(alone.Tokens, other.Tokens);
            for (var step = 0; step < alone.Steps.Count; step++) Assert.Equal(alone.Steps[step], other.Steps[step]);
        }
    }

    [Fact]
    public void A_batch_larger_than_its_frame_or_a_prompt_longer_than_it_is_refused()
    {
        var frame = new BatchFrame(Rows: 2, PromptTokens: 8);
        var generator = new BatchGenerator(_model, frame);

        var rows = Assert.Throws<ArgumentException>(() => generator.Generate([Request(3, 1), Request(3, 2), Request(3, 3)]));
        var tokens = Assert.Throws<ArgumentException>(() => generator.Generate([Request(9, 1)]));

        Assert.Contains("3 requests do not fit a frame of 2 rows", rows.Message);
        Assert.Contains("a prompt of 9 tokens does not fit a frame of 8", tokens.Message);
    }
}
