using Esr.Kernel.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

/// <summary>
/// Per batch row, a float32 vector to add to the activation at every position, or none: the one builder of the
/// steering deltas of <see cref="VectorSteering"/> and <see cref="InterventionHook"/>. The [rows, 1, width] delta and
/// the row mask are made once and kept on the activation's device in its dtype (<see cref="DeviceTensor"/>); a
/// bfloat16 model therefore adds the bfloat16-rounded vector, as an engine running in bfloat16 would.
/// </summary>
internal sealed class RowDeltas : IDisposable
{
    private readonly DeviceTensor _delta;    // [rows, 1, width]
    private readonly DeviceTensor? _rowMask; // [rows, 1, 1] bool; null when every row has a vector

    /// <summary>The rows the deltas were built for (1 for a delta shared by every row).</summary>
    public int Rows { get; }

    private RowDeltas(IReadOnlyList<float[]?> rows, int width)
    {
        Rows = rows.Count;
        var values = new float[rows.Count * width];
        var present = new bool[rows.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            if (rows[row] is not { } vector) continue;
            vector.CopyTo(values, row * width);
            present[row] = true;
        }
        _delta = new DeviceTensor(() => tensor(values, [rows.Count, 1L, width]));
        if (present.Any(has => !has)) _rowMask = new DeviceTensor(() => tensor(present, [rows.Count, 1L, 1L]));
    }

    /// <summary>The deltas of <paramref name="rows"/> (each null or <paramref name="width"/> floats); null when no row has one.</summary>
    public static RowDeltas? Of(IReadOnlyList<float[]?> rows, int width) =>
        rows.Any(row => row is not null) ? new RowDeltas(rows, width) : null;

    /// <summary>
    /// The activation [batch, tokens, width] with each row's delta added; rows without one keep their exact bits
    /// (where() rather than a sum with zero, which would turn −0 into +0).
    /// </summary>
    public Tensor AddTo(Tensor activation)
    {
        var sum = activation.add(_delta.On(activation.device, activation.dtype), Scalars.One);
        return _rowMask is null ? sum : where(_rowMask.On(activation.device), sum, activation);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _delta.Dispose();
        _rowMask?.Dispose();
    }
}
