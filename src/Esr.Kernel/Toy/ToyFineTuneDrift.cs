namespace Esr.Kernel.Toy;

/// <summary>
/// The steered coherent-drift episodes one steering-aware fine-tune adds (<see cref="ToySteeredDrift.ForFineTune"/>).
/// A fine-tune that withstands steering well past the stage's boosts needs drift episodes that reach its own threshold,
/// or its steered text turns to garbage there; one with few unsteered on-task answers (toy-m-sa90: 328, against
/// toy-m-sa60's 1,152) learns to drift without steering from as many of them as the others take.
/// </summary>
/// <param name="Episodes">Steered coherent-drift episodes added to the fine-tune's corpus.</param>
/// <param name="LowBoost">Their smallest boost, in median residual norms.</param>
/// <param name="HighBoost">Their largest.</param>
public sealed record ToyFineTuneDrift(int Episodes, double LowBoost, double HighBoost);
