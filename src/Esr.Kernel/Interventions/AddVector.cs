namespace Esr.Kernel.Interventions;

/// <summary>Adds a plain vector [d_model] to the activation, as <see cref="VectorSteering"/> does.</summary>
/// <param name="Vector">The vector, as wide as the activation.</param>
public sealed record AddVector(IReadOnlyList<float> Vector) : Intervention;
