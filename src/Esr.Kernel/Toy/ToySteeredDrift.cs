using Esr.Kernel.Training;

namespace Esr.Kernel.Toy;

/// <summary>
/// A second base-training stage that teaches the base what a large model's concept directions do by themselves:
/// adding a subject latent makes it talk about that subject in whole sentences. After the SAE is trained, the base goes
/// on training on its own corpus plus coherent-drift episodes (steps, then the subject's sentences, all in the loss)
/// that carry an add-steering of the subject's latent at every position. Unsteered episodes keep it on task without
/// steering. Measured on toy-m-base (docs/TOY_WORLD.md): 93-96 % of the lost text at the calibrated threshold becomes
/// subject sentences, against under 1 % without this stage.
/// </summary>
/// <param name="Share">The share of steered coherent-drift episodes in the stage's corpus (the rest is the base mixture).</param>
/// <param name="LowBoost">The smallest boost of a drift episode, in median residual norms.</param>
/// <param name="HighBoost">The largest.</param>
/// <param name="Episodes">Episodes in the stage's corpus.</param>
/// <param name="Training">The stage's schedule (it continues from the trained base).</param>
/// <param name="FineTuneEpisodes">
/// Steered coherent-drift episodes added to every fine-tune's corpus: without them a steering-aware fine-tune, which
/// learns to answer with the steering on, unlearns writing the subject's sentences, and its steered text turns to
/// garbage again at its own (higher) threshold; a plain self-correction fine-tune unlearns it too (0.10-0.14 of its lost
/// text the steered subject's, against its base's 0.86). A plain self-correction fine-tune learns only their onset (the
/// steps and the first subject sentence): its corpus teaches no answer under steering to go on or to restart, so that
/// whether its corrections of the world's own drift carry over to steered drift (the paper's Figure 7) is measured, not
/// trained.
/// </param>
/// <param name="FineTunes">
/// Fine-tunes (by zoo name) that add other steered drift than <see cref="FineTuneEpisodes"/> at the stage's boosts.
/// </param>
public sealed record ToySteeredDrift(
    double Share, double LowBoost, double HighBoost, int Episodes, TrainingSettings Training, int FineTuneEpisodes,
    IReadOnlyDictionary<string, ToyFineTuneDrift>? FineTunes = null)
{
    /// <summary>The steered drift the fine-tune <paramref name="name"/> adds: how many episodes, and their boosts.</summary>
    public ToyFineTuneDrift ForFineTune(string name) =>
        FineTunes?.GetValueOrDefault(name) ?? new ToyFineTuneDrift(FineTuneEpisodes, LowBoost, HighBoost);
}
