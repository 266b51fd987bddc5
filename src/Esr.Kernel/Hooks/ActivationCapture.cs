using static TorchSharp.torch;

namespace Esr.Kernel.Hooks;

/// <summary>
/// Keeps a handle on the last activation it is called with, graph and all (outlasting the forward pass's dispose
/// scope, until it is disposed), and passes it on unchanged: what a loss on an inner activation reads.
/// </summary>
internal sealed class ActivationCapture : IActivationHook, IDisposable
{
    /// <summary>The activation of the last call, or null before any.</summary>
    public Tensor? Activation { get; private set; }

    /// <inheritdoc />
    public Tensor Apply(Tensor activation, HookContext context)
    {
        Activation?.Dispose();
        Activation = activation.alias().DetachFromDisposeScope();
        return activation;
    }

    /// <summary>Frees the kept handle (the activation's storage lives on while the graph needs it).</summary>
    public void Dispose() => Activation?.Dispose();
}
