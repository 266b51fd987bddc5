namespace Esr.Kernel.Experiments.Runs;

/// <summary>Experiment 1 (ESR_SPEC §6): select latents, calibrate each, steer 5 prompts at its threshold, judge.</summary>
public sealed class AcrossModelsProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "1";

    /// <inheritdoc />
    public override string Title => "ESR across models";

    /// <inheritdoc />
    public override string Description => "ESR across models: sample latents, calibrate each, steer 5 prompts at the threshold, judge";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["2", "2-degraded", "combined"];
}
