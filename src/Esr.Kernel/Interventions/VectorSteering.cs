using Esr.Kernel.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Esr.Kernel.Interventions;

/// <summary>
/// Adds a plain float32 vector [d_model] to the activation at every position: the same vector to every batch row,
/// or per row a vector of its own (or none). The vector is converted to the activation's dtype and device before
/// the addition, so a bfloat16 model adds the bfloat16-rounded vector, as an engine running in bfloat16 would.
/// </summary>
/// <remarks>
/// Rows are batch rows in request order (see <see cref="IActivationHook"/>); the per-row form is what a batch of
/// differently steered requests needs. Padding positions are steered too: no real token ever attends to them.
/// </remarks>
public sealed class VectorSteering : IActivationHook
{
    // TorchSharp 0.107's Tensor + Tensor passes a freshly made alpha Scalar of 1 whose only reference dies before the
    // native call returns; a garbage collection in between frees it mid-call ("Unknown scalar type"). Adding with
    // this Scalar, which lives as long as the program, avoids that.
    private static readonly Scalar One = 1.ToScalar();

    private readonly float[]? _shared;                 // [d_model], when every row gets the same vector
    private readonly IReadOnlyList<float[]?>? _perRow; // per batch row: [d_model] or null for no steering

    /// <summary>The width of the vectors.</summary>
    public int Width { get; }

    private VectorSteering(float[]? shared, IReadOnlyList<float[]?>? perRow, int width)
    {
        _shared = shared;
        _perRow = perRow;
        Width = width;
    }

    /// <summary>Steers every row of every batch by the same vector.</summary>
    /// <param name="vector">[d_model]; copied, so later changes by the caller have no effect.</param>
    /// <exception cref="ArgumentException">The vector is empty.</exception>
    public static VectorSteering ForAllRows(IReadOnlyList<float> vector)
    {
        if (vector.Count == 0) throw new ArgumentException("a steering vector needs at least one element", nameof(vector));
        return new VectorSteering([.. vector], null, vector.Count);
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
        return new VectorSteering(null, copies, width);
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
        // Every temporary dies with this scope; only the result moves out to the caller's.
        using var scope = NewDisposeScope();
        if (_shared is not null)
        {
            var shared = tensor(_shared, [1L, 1L, Width]).to(activation.dtype, activation.device);
            return activation.add(shared, One).MoveToOuterDisposeScope();
        }

        var rows = _perRow!;
        if (activation.shape[0] != rows.Count)
            throw new ArgumentException(
                $"per-row vector steering was given {rows.Count} rows but the batch at {context.Point} has {activation.shape[0]}",
                nameof(activation));
        var deltas = new float[rows.Count * Width];
        var steered = new bool[rows.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            if (rows[row] is not { } vector) continue;
            vector.CopyTo(deltas, row * Width);
            steered[row] = true;
        }
        var delta = tensor(deltas, [rows.Count, 1L, Width]).to(activation.dtype, activation.device);
        var rowMask = tensor(steered, [rows.Count, 1L, 1L]).to(activation.device);
        // where() rather than the bare sum, so unsteered rows keep their exact bits (x + 0 turns -0 into +0).
        return where(rowMask, activation.add(delta, One), activation).MoveToOuterDisposeScope();
    }
}
