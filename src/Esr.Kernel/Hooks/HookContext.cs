using static TorchSharp.torch;

namespace Esr.Kernel.Hooks;

/// <summary>What a hook sees besides the activation: where it is, and which positions of the batch are real.</summary>
/// <param name="Point">The hook point being run.</param>
/// <param name="StartSlot">The cache slot of the first position in this forward pass (0 for a prefill).</param>
/// <param name="TokenMask">[batch, tokens] bool: true for real tokens, false for left padding.</param>
/// <param name="Positions">[batch, tokens] int64: each token's position within its own sequence.</param>
public sealed record HookContext(HookPoint Point, int StartSlot, Tensor TokenMask, Tensor Positions)
{
    /// <summary>Whether this pass holds the prompts (as opposed to one decoding step).</summary>
    public bool IsPrefill => StartSlot == 0;
}
