using Esr.Kernel.Toy;

namespace Esr.Kernel;

/// <summary>One zoo model measured at one boost (<see cref="ToyZooTools.MeasureAsync"/>).</summary>
/// <param name="Model">The zoo model.</param>
/// <param name="Calibrated">Whether the boost is the model's calibrated first-attempt threshold.</param>
/// <param name="Result">The boost, the ESR metrics and the make-up of the lost text.</param>
public sealed record ToyMeasurement(string Model, bool Calibrated, ToyBoostResult Result);
