namespace Esr.Kernel;

/// <summary>A plain vector added to the residual stream after a block (<c>blocks.{Block}.resid_post</c>) at every position.</summary>
/// <param name="Block">The block.</param>
/// <param name="Values">d_model floats.</param>
public sealed record SteeringVector(int Block, IReadOnlyList<float> Values);
