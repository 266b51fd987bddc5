using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>One start (or resume) of a run.</summary>
/// <param name="Store">The run folder; its manifest is already written (see <see cref="RunStore.StartOrResumeAsync"/>).</param>
/// <param name="Manifest">The run's manifest.</param>
/// <param name="Settings">The run's settings.</param>
/// <param name="Plan">The whole plan; the runner takes its shard.</param>
/// <param name="CalibrationPrompts">Prompts calibration draws from (the 38 base prompts).</param>
public sealed record RunRequest(RunStore Store, RunManifest Manifest, ExperimentSettings Settings, RunPlan Plan, IReadOnlyList<string> CalibrationPrompts);
