using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

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
        long batch = activation.shape[0], tokens = activation.shape[1], width = activation.shape[2];
        var values = activation.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
        var mask = context.TokenMask.data<bool>().ToArray();
        while (_rows.Count < batch) _rows.Add([]);
        for (var row = 0; row < batch; row++)
        {
            for (var token = 0; token < tokens; token++)
            {
                if (!mask[row * tokens + token]) continue;
                _rows[row].Add(values.AsSpan((int)((row * tokens + token) * width), (int)width).ToArray());
            }
        }
        return activation;
    }
}
