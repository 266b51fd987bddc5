using Esr.Kernel.Saes;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Saes;

/// <summary>Small SAEs with seeded random weights, and their raw tensors for writing files.</summary>
internal static class RandomSae
{
    /// <summary>W_enc [dIn, dSae], b_enc, W_dec [dSae, dIn], b_dec, threshold: float32 CPU tensors outside any scope.</summary>
    public static Dictionary<string, Tensor> Weights(int dIn, int dSae, int seed)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        Tensor Random(params long[] shape) => randn(shape, generator: generator).DetachFromDisposeScope();
        return new Dictionary<string, Tensor>
        {
            ["W_enc"] = Random(dIn, dSae),
            ["b_enc"] = Random(dSae),
            ["W_dec"] = Random(dSae, dIn),
            ["b_dec"] = Random(dIn),
            // Thresholds around the middle of the pre-activations, so some latents pass and some are gated.
            ["threshold"] = rand([dSae], generator: generator).DetachFromDisposeScope(),
        };
    }

    public static SparseAutoencoder Create(SaeArchitecture architecture, int dIn = 8, int dSae = 24, int seed = 1, bool applyDecoderBias = false)
    {
        var weights = Weights(dIn, dSae, seed);
        return new SparseAutoencoder(
            weights["W_enc"], weights["b_enc"], weights["W_dec"], weights["b_dec"], architecture,
            architecture == SaeArchitecture.JumpRelu ? weights["threshold"] : null,
            architecture == SaeArchitecture.TopK ? 5 : null, applyDecoderBias);
    }
}
