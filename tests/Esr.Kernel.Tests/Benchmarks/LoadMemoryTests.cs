using Esr.Kernel.Benchmarks;
using Esr.Kernel.Tests.Models;
using Esr.LlamaCpp;

namespace Esr.Kernel.Tests.Benchmarks;

public sealed class LoadMemoryTests
{
    [Fact]
    public void Loading_a_checkpoint_reports_its_tensor_bytes_and_a_peak_at_or_above_the_baseline()
    {
        using var folder = new TemporaryDirectory();
        TinyCheckpoint.Write(folder.Path, TinySpec.LlamaGqaUntied, seed: 3);

        var load = LoadMemory.Measure(folder.Path);

        Assert.True(load.BaselineBytes > 0, $"baseline {load.BaselineBytes}");
        Assert.True(load.PeakBytes >= load.BaselineBytes, $"peak {load.PeakBytes} below the baseline {load.BaselineBytes}");
        // The tensor data is the safetensors file less its header: an 8-byte length, then that many bytes of JSON.
        var file = File.ReadAllBytes(Path.Combine(folder.Path, "model.safetensors"));
        Assert.Equal(file.Length - 8 - BitConverter.ToInt64(file, 0), load.DataBytes);
    }
}
