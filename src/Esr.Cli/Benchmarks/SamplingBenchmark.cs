using System.Globalization;
using System.Text;
using Esr.Kernel.Benchmarks;

namespace Esr.Cli.Benchmarks;

/// <summary><c>esr bench sampling</c>'s markdown; the kernel's <see cref="SamplingSpeed"/> does the measuring.</summary>
public static class SamplingBenchmark
{
    /// <summary>The markdown table of a run.</summary>
    public static string Markdown(SamplingSpeed.Result result, string command)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"Made by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores: one decoding step's tokens picked "
            + $"from random logits (normal, standard deviation 2.5), vocabulary {result.Vocabulary}, temperature {result.Temperature}, top-p {result.TopP} "
            + $"(milliseconds a step, medians of {result.Repeats}).");
        text.AppendLine();
        text.AppendLine("| rows | one thread ms | thread pool ms | × |");
        text.AppendLine("|---|---|---|---|");
        foreach (var row in result.Rows) text.AppendLine(invariant, $"| {row.Rows} | {row.OneThreadMilliseconds:F2} | {row.PoolMilliseconds:F2} | {row.Speedup:F2} |");
        return text.ToString();
    }
}
