using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>
/// RMS normalisation computed in float32: x / rms(x) · w for Llama, x / rms(x) · (1 + w) for Gemma-2, whose
/// checkpoints store the weight as an offset from one.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // [d]
    private readonly Scalar _epsilon;
    private readonly float _nativeEpsilon;
    private readonly bool _weightIsOffsetFromOne;

    public RmsNorm(string name, int size, double epsilon, bool weightIsOffsetFromOne, ScalarType dtype, Device? device = null) : base(name)
    {
        weight = new Parameter(ones(size, dtype, device), requires_grad: false);
        _epsilon = epsilon.ToScalar();
        _nativeEpsilon = (float)epsilon;
        _weightIsOffsetFromOne = weightIsOffsetFromOne;
        RegisterComponents();
    }

    public Tensor Weight => weight;

    internal float Epsilon => _nativeEpsilon;

    internal bool WeightIsOffsetFromOne => _weightIsOffsetFromOne;

    public override Tensor forward(Tensor x)
    {
        if (NativeRmsNorm.TryApply(x, weight, _nativeEpsilon, _weightIsOffsetFromOne) is { } native) return native;
        using var scope = NewDisposeScope();
        var h = x.AsType(ScalarType.Float32);
        h = h * (h * h).mean([-1], keepdim: true).add(_epsilon, Scalars.One).rsqrt(); // not square(): it makes a temporary Scalar
        var scale = weight.AsType(ScalarType.Float32);
        if (_weightIsOffsetFromOne) scale = scale.add(Scalars.One, Scalars.One);
        return (h * scale).AsType(x.dtype).MoveToOuterDisposeScope();
    }
}
