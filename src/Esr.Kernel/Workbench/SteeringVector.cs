namespace Esr.Kernel;

/// <summary>A plain vector added to the residual stream after a block (<c>blocks.{Block}.resid_post</c>) at every position.</summary>
/// <param name="Block">The block.</param>
/// <param name="Values">d_model floats.</param>
public sealed record SteeringVector(int Block, IReadOnlyList<float> Values)
{
    /// <summary>The .npy file it was read from (<see cref="Steering.VectorFile"/>), or null for a vector built in code.</summary>
    public string? Source { get; init; }

    /// <summary>Names the vector in messages: its file when it has one, and its block.</summary>
    internal string Description => Source is null ? $"steering vector at block {Block}" : $"steering vector {Source} at block {Block}";
}
