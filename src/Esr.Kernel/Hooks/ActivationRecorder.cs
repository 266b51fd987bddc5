using static TorchSharp.torch;

namespace Esr.Kernel.Hooks;

/// <summary>
/// Records an activation per real token (padding dropped) for each batch row, across the prefill and every
/// decoding step, leaving the activation unchanged. Add it after any editing hook to read the edited stream.
/// </summary>
public sealed class ActivationRecorder : IActivationHook
{
    private readonly List<List<float[]>> _rows = [];

    /// <summary>Per batch row, the recorded vectors in token order (prompt tokens first, then generated ones).</summary>
    public IReadOnlyList<IReadOnlyList<float[]>> Rows => _rows;

    /// <inheritdoc />
    public Tensor Apply(Tensor activation, HookContext context)
    {
        RealTokenRows.Append(_rows, activation, context.TokenMask);
        return activation;
    }
}
