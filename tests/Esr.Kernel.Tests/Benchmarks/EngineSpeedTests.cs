using Esr.Kernel.Benchmarks;
using Esr.Kernel.Generation;
using Esr.Kernel.Models;
using Esr.Kernel.Tests.Models;
using Esr.LlamaCpp;

namespace Esr.Kernel.Tests.Benchmarks;

/// <summary>
/// <c>esr bench engine</c>'s measurements on a tiny random Llama: the records are well formed. No timing thresholds:
/// the numbers depend on the machine and its load.
/// </summary>
[Collection(NativeLinearCollection.Name)] // the run switches the native kernels off for a while
public sealed class EngineSpeedTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_speed_run_reports_every_batch_the_memory_floor_and_the_step_breakdown()
    {
        TinyCheckpoint.Write(_folder.Path, TinySpec.LlamaGqaUntied, seed: 3);
        // The reference is the same fp32 engine on a second copy of the weights, so its greedy tokens must match.
        using var copy = CausalLanguageModel.Load(_folder.Path);
        var reference = new BatchGenerator(copy);
        var calls = new List<int[][]>();

        var run = new EngineSpeed(TextWriter.Null).Measure(_folder.Path, [1, 3], promptTokens: 5, newTokens: 4, repeats: 2, threads: 1,
            (prompts, tokens) =>
            {
                calls.Add(prompts);
                return GreedyRun.Time(reference, prompts, tokens);
            }, bandwidthBufferBytes: 16 << 20);

        Assert.Equal([1, 3], run.Rows.Select(row => row.Batch));
        Assert.All(run.Rows, row =>
        {
            Assert.Equal(row.Batch, row.SameRows);
            Assert.All([row.EnginePrefill, row.EngineDecode, row.Bf16Prefill, row.Bf16Decode, row.ReferencePrefill, row.ReferenceDecode, row.UnprefetchedDecode, row.Bf16UnprefetchedDecode], Positive);
        });
        Assert.Equal(1 + 2 * 2, calls.Count); // one warm-up, then each batch's repeats
        Assert.All(calls.Skip(1), prompts => Assert.All(prompts, prompt => Assert.Equal(5, prompt.Length)));

        // Each batch-1 repetition with the floor read just before it; batch 3 has none.
        Assert.Equal(2, run.Beside.Count);
        Assert.All(run.Beside, repeat => Assert.All([repeat.BytesPerSecond, repeat.Float32Decode, repeat.BFloat16Decode], Positive));
        Positive(run.Floor.BytesPerSecond);
        Assert.Equal(16 << 20, run.Floor.BufferBytes);
        Assert.Equal(run.Floor.Float32StepBytes, 2 * run.Floor.BFloat16StepBytes);
        Positive(run.Floor.Float32TokensPerSecond);
        Assert.Contains(" at the start, ", run.Load);

        var kernels = NativeLinear.Available ? 2 : 1;
        Assert.Equal(2 * kernels * 3, run.Profiles.Count); // fp32 and bf16, with and without the kernels, batches 1, 8 and 32
        Assert.All(run.Profiles, entry =>
        {
            Assert.Contains(entry.Profile.Rows, new[] { 1, 8, 32 });
            Positive(entry.Profile.StepSeconds);
            Positive(entry.Profile.LinearSeconds);
            // "other" is defined as the step less its products, so the two parts give the step back.
            Assert.Equal(entry.Profile.StepSeconds, entry.Profile.LinearSeconds + entry.Profile.OtherSeconds, 12);
        });
        Assert.True(NativeLinear.Enabled, "the run leaves the native kernels on");
    }

    private static void Positive(double value) => Assert.True(value > 0 && double.IsFinite(value), $"{value}");
}
