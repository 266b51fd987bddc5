using Esr.Cli.Benchmarks;
using Esr.Kernel.Benchmarks;
using Esr.Kernel.Models;

namespace Esr.Cli.Tests;

/// <summary><c>esr bench engine</c>'s report: decode against the memory floor it measures, and the step breakdown.</summary>
public sealed class BenchEngineTests
{
    [Fact]
    public void The_engine_report_prints_batch_one_decode_as_a_share_of_the_memory_floor_for_fp32_and_bf16()
    {
        // 80 GB/s over 400 MB (fp32) and 200 MB (bf16) steps: floors of 200 and 400 tok/s.
        var floor = new EngineSpeed.Floor(80e9, 1L << 30, 400_000_000, 200_000_000);
        var run = new EngineSpeed.Result(
            [new EngineSpeed.Row(1, 1000, 150, 500, 100, 1, 1200, 300, 120, 280)], floor,
            [("fp32, engine", new DecodeProfile(1, 0.008, 0.006))], "1.00 1.00 1.00 at the start, 1.00 1.00 1.00 at the end",
            // Floors of 200, 100 and 150 tok/s in fp32 (400, 200 and 300 in bf16) beside repetitions of 150, 90 and 120.
            [new(80e9, 150, 300), new(40e9, 90, 160), new(60e9, 120, 240)]);

        var text = EngineBenchmark.Markdown(run, null, "esr bench engine");

        Assert.Contains("80.0 GB/s read over 1024 MiB", text);
        Assert.Contains("batch-1 decode can reach at most 200.0 tok/s in fp32 and 400.0 in bf16", text);
        Assert.Contains("Batch-1 decode as a share of the floor: fp32 0.75 (without weight prefetch 0.60; llama.cpp 0.50), bf16 0.75 (without weight prefetch 0.70).", text);
        Assert.Contains("Against the floor read just before each batch-1 repetition (3; it read 40.0-80.0 GB/s): fp32 decode 0.80 of it (median; 0.75-0.90), bf16 0.80 (0.75-0.80).", text);
        Assert.Contains("| 1 | 1000 | 500 | 2.00 | 150.0 | 100.0 | 1.50 | 1 / 1 | 1200 | 300.0 | 2.00 | 120.0 | 280.0 |", text);
        Assert.Contains("| fp32, engine | 1 | 8.00 | 6.00 | 2.00 | 66.7 |", text);
    }
}
