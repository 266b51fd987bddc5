namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 3 part B (ESR_SPEC §6, §7.1): steer and zero-clamp the off-topic detectors at the steering block. With a
/// source, each source trial's prompt and seed are replayed; without one, latents are selected and calibrated with the
/// ablation in place (the ablation configuration: target 0.3, 20 steps of one prompt, bounds 0-100, prior N(20, 20),
/// 512 calibration tokens, 50 latents).
/// </summary>
public sealed class DetectorAblationProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "3";

    /// <inheritdoc />
    public override string Title => "Off-topic-detector ablation";

    /// <inheritdoc />
    public override string Description =>
        "Off-topic-detector ablation (part B): steer and zero-clamp the detectors at the steering block, replaying --from-results prompts and seeds";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["5"];

    /// <inheritdoc />
    public override string Condition => "ablation";

    /// <inheritdoc />
    public override ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => basis with
    {
        NFeatures = 50, CalibrationMaxTokens = 512, ReplaySourceTrials = true,
        Calibration = basis.Calibration with { Target = 0.3, Trials = 20, Lower = 0, Upper = 100, PriorMean = 20, PriorStd = 20, SamplesPerTrial = 1 },
    };

    /// <inheritdoc />
    public override ExperimentSettings WithData(ExperimentSettings settings, SteeringData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return settings with { AblateLatents = data.DetectorsFor(settings) };
    }

    /// <inheritdoc />
    public override string PaperFileName(string model, string stamp, string condition) => base.PaperFileName(model, stamp, condition) + "_with_ablation";
}
