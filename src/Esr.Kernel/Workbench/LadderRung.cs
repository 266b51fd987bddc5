namespace Esr.Kernel;

/// <summary>One boost of a <see cref="SteeringLadder"/>.</summary>
/// <param name="Boost">The boost added to the latent (0 is the unsteered completion).</param>
/// <param name="Completion">What the model wrote.</param>
public sealed record LadderRung(double Boost, Completion Completion);
