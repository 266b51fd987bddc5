using Esr.Kernel.Benchmarks;
using Esr.Kernel.Tests.Models;
using Esr.LlamaCpp;

namespace Esr.Kernel.Tests.Benchmarks;

/// <summary><c>esr bench steering</c>'s measurements on a tiny random Llama: the records are well formed, no timing thresholds.</summary>
public sealed class SteeringCostTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_steering_run_reports_each_configuration_against_unsteered_and_the_hooks_own_costs()
    {
        var spec = TinySpec.LlamaGqaUntied;
        TinyCheckpoint.Write(_folder.Path, spec, seed: 3);

        var result = new SteeringCost(TextWriter.Null).Measure(_folder.Path, batch: 2, promptTokens: 5, newTokens: 3, repeats: 1, saeWidth: 40);

        Assert.Equal(["unsteered", "add 1 latent", $"ablate {SteeringCost.AblatedLatents} latents", "read all 40 latents"],
            result.Rows.Select(row => row.Configuration));
        Assert.All(result.Rows, row =>
        {
            Positive(row.TokensPerSecond);
            Assert.Equal(row.TokensPerSecond / result.Rows[0].TokensPerSecond, row.RelativeToUnsteered, 12);
        });
        Assert.Equal(1.0, result.Rows[0].RelativeToUnsteered);
        Assert.Equal((2, 5, 3, 40, spec.Layers / 2), (result.Batch, result.PromptTokens, result.NewTokens, result.SaeWidth, result.Block));
        Positive(result.FullEncodeMicrosecondsPerToken);
        Positive(result.AddHookMicrosecondsPerStep);
        Positive(result.AblateHookMicrosecondsPerStep);
    }

    private static void Positive(double value) => Assert.True(value > 0 && double.IsFinite(value), $"{value}");
}
