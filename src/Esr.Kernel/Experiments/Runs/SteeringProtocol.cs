using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// One of the paper's steering experiments (ESR_SPEC §6: 1, 2, 3 part B, 4, 5, 8, 10) as the shared run engine sees it:
/// its id and description, its settings' defaults, what it reads from the data folder, how its plan uses a source run,
/// its trials' condition, and how the paper named its result files. The settings, the planner and the paper export
/// ask the run's protocol (<see cref="SteeringProtocols.Get"/>) instead of testing experiment ids; adding a steering
/// experiment is a protocol file and its line in <see cref="SteeringProtocols.All"/>.
/// </summary>
public abstract class SteeringProtocol
{
    /// <summary>The experiment id, e.g. "1" or "10" (the manifest's and the trials' experiment).</summary>
    public abstract string Id { get; }

    /// <summary>A short title, e.g. "ESR across models".</summary>
    public abstract string Title { get; }

    /// <summary>One line on what the run does (the CLI's subcommand description).</summary>
    public abstract string Description { get; }

    /// <summary>The paper figures its trials feed (<c>esr figure</c> ids).</summary>
    public virtual IReadOnlyList<string> Figures => [];

    /// <summary>The condition of its trials when it has one (a meta-prompt or random-set run names each plan's own).</summary>
    public virtual string Condition => "steered";

    /// <summary>True when it runs on the latents and prompts of a <c>--from-results</c> source and cannot select its own.</summary>
    public virtual bool NeedsSource => false;

    /// <summary>True when a source latent without a threshold is dropped even without replaying (Exp 2 and 5 use the stored thresholds).</summary>
    public virtual bool NeedsSourceThresholds => false;

    /// <summary>False when only a source latent's trials without an error give prompts (Exp 5, as its original).</summary>
    public virtual bool KeepsErroredSourceTrials => true;

    /// <summary>False when it draws fresh prompts per latent even with a source (Exp 2's sweep).</summary>
    public virtual bool ReusesSourcePrompts => true;

    /// <summary>Its defaults on top of the common <paramref name="basis"/> (a paper configuration's or a model path's).</summary>
    /// <param name="basis">Exp 1's settings for the model.</param>
    /// <param name="paper">The paper configuration, null for a model directory.</param>
    public virtual ExperimentSettings Defaults(ExperimentSettings basis, PaperConfiguration? paper) => basis;

    /// <summary>The settings with what it reads from the data folder and its own options (detectors, random sets, meta-prompts).</summary>
    /// <exception cref="EsrInputException">An option names something the data does not hold.</exception>
    /// <exception cref="InvalidDataException">A data file is malformed; the message names it.</exception>
    public virtual ExperimentSettings WithData(ExperimentSettings settings, SteeringData data) => settings;

    /// <summary>The paper's name for the result file of <paramref name="condition"/>, without ".json" (SafeFileName-ed parts).</summary>
    public virtual string PaperFileName(string model, string stamp, string condition) => $"experiment_results_{model}_{stamp}";

    /// <summary>Adds its own fields to a paper result file's <c>experiment_config</c> and top level.</summary>
    public virtual void AddPaperFields(JsonObject config, JsonObject extras, RunManifest manifest, ExperimentSettings settings, string condition)
    {
    }
}
