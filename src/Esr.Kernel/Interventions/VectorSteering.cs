using Esr.Kernel.Hooks;
using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

/// <summary>
/// Adds a plain float32 vector [d_model] to the activation at every position: the same vector to every batch row,
/// or per row a vector of its own (or none). The vector is converted to the activation's dtype and device once, at
/// the first step, so a bfloat16 model adds the bfloat16-rounded vector, as an engine running in bfloat16 would.
/// </summary>
/// <remarks>
/// Rows are batch rows in request order (see <see cref="IActivationHook"/>); the per-row form is what a batch of
/// differently steered requests needs. Padding positions are steered too: no real token ever attends to them.
/// </remarks>
public sealed class VectorSteering : IActivationHook, IDisposable
{
    private readonly RowDeltas _deltas;
    private readonly bool _shared; // one vector for every row of any batch

    /// <summary>The width of the vectors.</summary>
    public int Width { get; }

    private VectorSteering(IReadOnlyList<float[]?> rows, bool shared, int width)
    {
        _deltas = RowDeltas.Of(rows, width)!;
        _shared = shared;
        Width = width;
    }

    /// <summary>Steers every row of every batch by the same vector.</summary>
    /// <param name="vector">[d_model]; copied, so later changes by the caller have no effect.</param>
    /// <exception cref="ArgumentException">The vector is empty.</exception>
    public static VectorSteering ForAllRows(IReadOnlyList<float> vector)
    {
        if (vector.Count == 0) throw new ArgumentException("a steering vector needs at least one element", nameof(vector));
        return new VectorSteering([[.. vector]], shared: true, vector.Count);
    }

    /// <summary>
    /// Steers batch row i by <paramref name="vectors"/>[i], leaving rows whose entry is null unchanged. The hook
    /// then only accepts batches with exactly that many rows.
    /// </summary>
    /// <param name="vectors">One entry per batch row; every non-null vector must have the same length. Copied.</param>
    /// <exception cref="ArgumentException">No row, every row null, or vectors of different lengths.</exception>
    public static VectorSteering PerRow(IReadOnlyList<IReadOnlyList<float>?> vectors)
    {
        if (vectors.Count == 0) throw new ArgumentException("per-row steering needs at least one row", nameof(vectors));
        var width = vectors.FirstOrDefault(vector => vector is not null)?.Count
            ?? throw new ArgumentException("per-row steering needs at least one row with a vector", nameof(vectors));
        if (width == 0) throw new ArgumentException("a steering vector needs at least one element", nameof(vectors));
        var copies = new float[]?[vectors.Count];
        for (var row = 0; row < vectors.Count; row++)
        {
            if (vectors[row] is not { } vector) continue;
            if (vector.Count != width)
                throw new ArgumentException($"row {row}'s vector has {vector.Count} elements but row 0's non-null width is {width}", nameof(vectors));
            copies[row] = [.. vector];
        }
        return new VectorSteering(copies, shared: false, width);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The activation is not [batch, tokens, d_model] with d_model = <see cref="Width"/>, or (per-row form) its batch
    /// size differs from the number of rows given.
    /// </exception>
    public Tensor Apply(Tensor activation, HookContext context)
    {
        if (activation.dim() != 3 || activation.shape[2] != Width)
            throw new ArgumentException(
                $"vector steering of width {Width} at {context.Point} got an activation of shape [{string.Join(", ", activation.shape)}] (expected [batch, tokens, {Width}])",
                nameof(activation));
        if (!_shared && activation.shape[0] != _deltas.Rows)
            throw new ArgumentException(
                $"per-row vector steering was given {_deltas.Rows} rows but the batch at {context.Point} has {activation.shape[0]}",
                nameof(activation));
        // Every temporary dies with this scope; only the result moves out to the caller's.
        using var scope = NewDisposeScope();
        return _deltas.AddTo(activation).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the device copy of the vectors.</summary>
    public void Dispose() => _deltas.Dispose();
}
