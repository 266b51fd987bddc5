namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 4 (ESR_SPEC §6, §8): the source's latents and prompt lists on a fine-tuned model, thresholds recalibrated
/// on it. On a model directory (the paper's merges) no extra assistant header and repetition penalty 1.1, as the
/// original ran its merges: their paths name neither "llama" nor a model size.
/// </summary>
public sealed class FineTunedModelProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "4";

    /// <inheritdoc />
    public override string Title => "Fine-tuned models";

    /// <inheritdoc />
    public override string Description => "Fine-tuned model: the --from-results latents and prompts, thresholds recalibrated on this model";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["7", "combined"];

    /// <inheritdoc />
    public override bool NeedsSource => true;

    /// <inheritdoc />
    public override ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => paper is null
        ? basis with { RecalibrateThresholds = true, PaperExtraAssistantHeader = false, RepetitionPenalty = ExperimentSettings.FineTunedRepetitionPenalty }
        : basis with { RecalibrateThresholds = true };
}
