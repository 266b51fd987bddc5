namespace Esr.Kernel;

/// <summary>The attached SAE on a <see cref="ModelCard"/>.</summary>
/// <param name="Name">Its name (<see cref="AttachedSae.Name"/>).</param>
/// <param name="Width">The number of latents.</param>
/// <param name="Point">The hook point it reads, e.g. blocks.1.resid_post.</param>
/// <param name="SteeringPoint">The hook point steering applies at.</param>
/// <param name="LabelCount">Latents with a label.</param>
public sealed record SaeCard(string Name, int Width, string Point, string SteeringPoint, int LabelCount);
