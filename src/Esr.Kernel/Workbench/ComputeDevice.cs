using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Esr.Kernel;

/// <summary>
/// Where a model and its SAE compute: <c>cpu</c>, <c>cuda</c> (the first GPU) or <c>cuda:N</c>. Parsing checks the
/// machine as well as the spelling, so a missing GPU is one clear error at load time rather than a native failure in
/// the middle of a forward pass.
/// </summary>
public sealed partial record ComputeDevice
{
    private ComputeDevice(string name) => Name = name;

    /// <summary>The CPU.</summary>
    public static ComputeDevice Cpu { get; } = new("cpu");

    /// <summary>The device as written: "cpu", "cuda" or "cuda:N".</summary>
    public string Name { get; }

    /// <summary>The device as TorchSharp names it.</summary>
    internal torch.Device Torch => Name == "cpu" ? torch.CPU : torch.device(Name);

    /// <summary>Reads a device name and checks that this machine and build have it.</summary>
    /// <exception cref="EsrInputException">Not cpu, cuda or cuda:N; or a CUDA device this build or machine lacks.</exception>
    public static ComputeDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.Trim().ToLowerInvariant();
        if (name == "cpu") return Cpu;
        var match = CudaName().Match(name);
        if (!match.Success) throw new EsrInputException($"device '{text}' is not one of cpu, cuda, cuda:N (N a GPU number)");
        if (!torch.cuda.is_available())
            throw new EsrInputException($"device '{text}': no CUDA device in this build (the CPU libtorch package); see docs/GPU.md");
        var count = torch.cuda.device_count();
        if (match.Groups["index"].Success && int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture) >= count)
            throw new EsrInputException($"device '{text}': this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}");
        return new ComputeDevice(name);
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    [GeneratedRegex(@"^cuda(:(?<index>\d+))?$")]
    private static partial Regex CudaName();
}
