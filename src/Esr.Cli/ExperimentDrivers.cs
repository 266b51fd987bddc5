using System.CommandLine;

namespace Esr.Cli;

/// <summary>One <c>esr experiment &lt;id&gt;</c> subcommand.</summary>
/// <param name="Id">The subcommand name, e.g. "1" or "10".</param>
/// <param name="Create">Builds the subcommand; its results go to the writer.</param>
internal sealed record ExperimentDriver(string Id, Func<TextWriter, Command> Create);

/// <summary>
/// The registry of <c>esr experiment</c> drivers: add an entry to add an experiment. The steering runs (1, 2,
/// 3 = ablation part B, 4, 5, 8, 10) share <see cref="SteeringRunCommand"/>; the readout and regrading experiments
/// (3a = detector discovery, 6, 7, 9) are in <see cref="ReadoutExperimentsCommand"/>.
/// </summary>
internal static class ExperimentDrivers
{
    public static IReadOnlyList<ExperimentDriver> All { get; } =
    [
        new("1", output => SteeringRunCommand.Create("1", "ESR across models: sample latents, calibrate each, steer 5 prompts at the threshold, judge", output)),
        new("2", output => SteeringRunCommand.Create("2", "Boost sweep: 10 global levels from the threshold cache (mean ± 3 population SD, clamped at 0) on 5 prompts per latent", output)),
        new("3a", ReadoutExperimentsCommand.OtdDiscovery),
        new("3", output => SteeringRunCommand.Create("3", "Off-topic-detector ablation (part B): steer and zero-clamp the detectors at the steering block, replaying --from-results prompts and seeds", output)),
        new("4", output => SteeringRunCommand.Create("4", "Fine-tuned model: the --from-results latents and prompts, thresholds recalibrated on this model", output)),
        new("5", output => SteeringRunCommand.Create("5", "Meta-prompt variants of the --from-results prompts at the stored thresholds", output)),
        new("6", ReadoutExperimentsCommand.SequentialActivations),
        new("7", ReadoutExperimentsCommand.Regrade),
        new("8", output => SteeringRunCommand.Create("8", "No-steering baseline: the --from-results latents and prompts, no intervention, label still shown to the judge", output)),
        new("10", output => SteeringRunCommand.Create("10", "Random-latent ablation control: sets as large as the detector list, excluding it, replaying --from-results", output)),
        new("9", ReadoutExperimentsCommand.Episodes),
    ];
}
