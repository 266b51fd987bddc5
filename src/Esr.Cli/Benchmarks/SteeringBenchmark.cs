using System.Globalization;
using System.Text;
using Esr.Kernel.Benchmarks;
using Esr.LlamaCpp;

namespace Esr.Cli.Benchmarks;

/// <summary>
/// <c>esr bench steering</c>'s side of the steering benchmark: the random ~125M-parameter Llama it writes and the
/// markdown. The kernel's <see cref="SteeringCost"/> does the measuring.
/// </summary>
public sealed class SteeringBenchmark(TextWriter log)
{
    /// <summary>Writes the engine benchmark's random Llama into <paramref name="workDirectory"/> and measures steering on it.</summary>
    public SteeringCost.Result Measure(string workDirectory, int batch, int promptTokens, int newTokens, int repeats, int threads, int saeWidth)
    {
        var spec = EngineBenchmark.SpeedModel;
        var checkpoint = Path.Combine(workDirectory, "steering-model");
        log.WriteLine($"writing a random {spec.Layers}-layer d={spec.HiddenSize} Llama to {checkpoint}");
        TinyCheckpoint.Write(checkpoint, spec, seed: 1);
        Workbench.SetThreads(threads);
        return new SteeringCost(log).Measure(checkpoint, batch, promptTokens, newTokens, repeats, saeWidth);
    }

    /// <summary>The markdown table of a run.</summary>
    public static string Markdown(SteeringCost.Result result, string command)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores: batch {result.Batch}, "
            + $"{result.PromptTokens} prompt + {result.NewTokens} generated tokens, SAE width {result.SaeWidth} at blocks.{result.Block}.resid_post.");
        text.AppendLine();
        text.AppendLine("| configuration | generation tok/s | × unsteered |");
        text.AppendLine("|---|---|---|");
        foreach (var row in result.Rows) text.AppendLine(invariant, $"| {row.Configuration} | {row.TokensPerSecond:F1} | {row.RelativeToUnsteered:F3} |");
        text.AppendLine();
        text.AppendLine(invariant, $"A full SAE encode on its own: {result.FullEncodeMicrosecondsPerToken:F1} µs per token ({SteeringCost.EncodeTokens} tokens at once).");
        var step = 1e6 * result.Batch / result.Rows[0].TokensPerSecond;
        text.AppendLine(invariant, $"Hook calls on one decoding step's [{result.Batch}, 1, d] activation, timed alone (medians of {SteeringCost.HookCalls}): add "
            + $"{result.AddHookMicrosecondsPerStep:F1} µs, {SteeringCost.AblatedLatents}-latent ablation {result.AblateHookMicrosecondsPerStep:F1} µs, against an unsteered generation "
            + $"step of {step / 1000:F1} ms, prefill amortised ({100 * result.AddHookMicrosecondsPerStep / step:F2} % and {100 * result.AblateHookMicrosecondsPerStep / step:F2} %).");
        return text.ToString();
    }
}
