using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>down(act(gate(x)) · up(x)) with SiLU (Llama) or tanh-approximated GELU (Gemma-2); gate and up fused.</summary>
internal sealed class GatedFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gateUp; // [2·d_ff, d_model]
    private readonly Parameter down;   // [d_model, d_ff]
    private readonly int _intermediateSize;
    private readonly bool _gelu;

    public GatedFeedForward(string name, ModelConfig config, ScalarType dtype, Device device) : base(name)
    {
        _intermediateSize = config.IntermediateSize;
        _gelu = config.Architecture == ModelArchitecture.Gemma2;
        gateUp = new Parameter(empty([2L * _intermediateSize, config.HiddenSize], dtype, device), requires_grad: false);
        down = new Parameter(empty([config.HiddenSize, (long)_intermediateSize], dtype, device), requires_grad: false);
        RegisterComponents();
    }

    public IEnumerable<(string Name, Tensor Destination)> Weights(string prefix)
    {
        yield return ($"{prefix}gate_proj.weight", gateUp.narrow(0, 0, _intermediateSize));
        yield return ($"{prefix}up_proj.weight", gateUp.narrow(0, _intermediateSize, _intermediateSize));
        yield return ($"{prefix}down_proj.weight", down);
    }

    /// <summary>The matrices a forward pass multiplies by, in order.</summary>
    public IEnumerable<Tensor> Projections() => [gateUp, down];

    // What NativeDecoderBlock runs the module from.
    internal Tensor GateUp => gateUp;
    internal Tensor Down => down;
    internal int IntermediateSize => _intermediateSize;
    internal bool Gelu => _gelu;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gateAndUp = NativeLinear.Apply(x, gateUp).chunk(2, -1);
        var activated = _gelu
            ? nn.functional.gelu(gateAndUp[0], GELU.Approximate.tanh)
            : nn.functional.silu(gateAndUp[0]);
        return NativeLinear.Apply(activated * gateAndUp[1], down).MoveToOuterDisposeScope();
    }
}
