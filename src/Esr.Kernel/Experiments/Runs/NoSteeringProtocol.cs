namespace Esr.Kernel.Experiments.Runs;

/// <summary>Experiment 8 (ESR_SPEC §6): the source's latents and prompts without any intervention; the label is still shown to the judge.</summary>
public sealed class NoSteeringProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "8";

    /// <inheritdoc />
    public override string Title => "No-steering baseline";

    /// <inheritdoc />
    public override string Description => "No-steering baseline: the --from-results latents and prompts, no intervention, label still shown to the judge";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["A2", "A3"];

    /// <inheritdoc />
    public override string Condition => "no_steering";

    /// <inheritdoc />
    public override bool NeedsSource => true;

    /// <inheritdoc />
    public override ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => basis with { NoSteering = true };

    /// <inheritdoc />
    public override string PaperFileName(string model, string stamp, string condition) => base.PaperFileName(model, stamp, condition) + "_no_steering_baseline";
}
