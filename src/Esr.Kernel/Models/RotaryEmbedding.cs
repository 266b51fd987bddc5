using static TorchSharp.torch;

namespace Esr.Kernel.Models;

/// <summary>Rotary position embedding in the Hugging Face "rotate half" layout, with optional Llama-3 scaling.</summary>
internal sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _inverseFrequencies; // [head_dim / 2] float32

    public RotaryEmbedding(ModelConfig config, Device device)
    {
        var half = config.HeadDimension / 2;
        var frequencies = Enumerable.Range(0, half)
            .Select(i => 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDimension))
            .ToArray();
        if (config.RopeScaling is { } scaling) frequencies = scaling.Apply(frequencies);
        _inverseFrequencies = tensor(frequencies.Select(f => (float)f).ToArray(), device: device).DetachFromDisposeScope();
    }

    /// <summary>Cosines and sines for positions [batch, tokens], shaped [batch, 1, tokens, head_dim] to broadcast over heads.</summary>
    public (Tensor Cos, Tensor Sin) For(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var angles = positions.to_type(ScalarType.Float32).unsqueeze(-1) * _inverseFrequencies; // [B, T, hd/2]
        var doubled = cat([angles, angles], -1).unsqueeze(1);                                     // [B, 1, T, hd]
        return (doubled.cos().to_type(dtype).MoveToOuterDisposeScope(), doubled.sin().to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>x·cos + rotate_half(x)·sin for x [batch, heads, tokens, head_dim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var halves = x.chunk(2, -1);
        var rotated = cat([-halves[1], halves[0]], -1);
        return (x * cos).add(rotated * sin, Scalars.One).MoveToOuterDisposeScope();
    }

    public void Dispose() => _inverseFrequencies.Dispose();
}
