using static TorchSharp.torch;

namespace Esr.Kernel.Hooks;

/// <summary>Reads or edits an activation at a hook point during a forward pass.</summary>
public interface IActivationHook
{
    /// <summary>
    /// Called with the activation [batch, tokens, d_model]; returns the activation to continue with: the same tensor
    /// to leave it unchanged, or a new one of the same shape and dtype. Rows are batch rows, in request order.
    /// </summary>
    Tensor Apply(Tensor activation, HookContext context);
}
