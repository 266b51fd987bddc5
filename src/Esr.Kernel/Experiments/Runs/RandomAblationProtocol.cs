namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 10 (ESR_SPEC §6): the random-latent ablation control. Three sets as large as the detector list, excluding
/// it, each replaying the source trials like Exp 3; each set is a condition. For the paper's 70B configuration with its
/// own detectors the sets are the paper's, read from the data folder (<see cref="RandomControlSets"/>).
/// </summary>
public sealed class RandomAblationProtocol : SteeringProtocol
{
    /// <inheritdoc />
    public override string Id => "10";

    /// <inheritdoc />
    public override string Title => "Random-latent ablation control";

    /// <inheritdoc />
    public override string Description => "Random-latent ablation control: sets as large as the detector list, excluding it, replaying --from-results";

    /// <inheritdoc />
    public override IReadOnlyList<string> Figures => ["A14"];

    /// <inheritdoc />
    public override bool NeedsSource => true;

    /// <inheritdoc />
    public override ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => basis with { RandomAblationSets = 3, ReplaySourceTrials = true };

    /// <inheritdoc />
    public override ExperimentSettings WithData(ExperimentSettings settings, SteeringData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings = settings with { AblateLatents = data.DetectorsFor(settings) };
        // The paper's own random sets, for its detectors on its model; other runs draw theirs.
        if (data.Paper?.RandomAblationSetsFile is { } file && data.Ablate is null && settings.RandomAblationLatents is null)
            settings = settings with { RandomAblationLatents = RandomControlSets.Read(Path.Combine(data.DataDirectory, file), settings), RandomAblationSetsFile = file };
        return settings;
    }

    /// <inheritdoc />
    public override string PaperFileName(string model, string stamp, string condition) =>
        base.PaperFileName(model, stamp, condition) + "_" + SafeFileName.From(condition);
}
