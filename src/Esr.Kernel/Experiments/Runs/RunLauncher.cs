using Esr.Kernel.Generation;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// One start of an experiment run, from settings to stored trials: fixes the boost levels (Exp 2) and the latent
/// selection on the first start, writes or checks the manifest, plans, and runs the runner.
/// </summary>
public static class RunLauncher
{
    /// <summary>The manifest a run with these inputs has.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="runSeed">The run seed.</param>
    /// <param name="modelHash">The model folder's <see cref="ModelIdentity"/> hash.</param>
    /// <param name="saeHash">The SAE's <see cref="ModelIdentity"/> hash.</param>
    /// <param name="judge">The judge's name.</param>
    /// <param name="shard">The shard, null for a whole run.</param>
    /// <param name="projectVersion">The workbench version; null for <see cref="RunManifest.CurrentProjectVersion"/>.</param>
    public static RunManifest Manifest(
        ExperimentSettings settings, int runSeed, string modelHash, string saeHash, string judge, ShardSpec? shard, string? projectVersion = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new RunManifest(settings.Experiment, projectVersion ?? RunManifest.CurrentProjectVersion, runSeed, settings.Model, modelHash, saeHash,
            judge, shard?.ToString(), settings.ToJson(), RunQuirks.Of(settings, runSeed)) { CreatedUtc = DateTimeOffset.UtcNow };
    }

    /// <summary>
    /// Starts or resumes the run in <paramref name="store"/>, holding its writer lock throughout. The plan is made and
    /// checked before the manifest is written, so a run refused for its settings leaves the folder as it found it.
    /// The manifest records the batch size of <paramref name="options"/>, which a resume must repeat.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder holds a different run.</exception>
    /// <exception cref="ArgumentException">The settings or the plan hold a value no generation would take; the message names it.</exception>
    /// <exception cref="IOException">Another writer is using the folder.</exception>
    public static async Task<RunOutcome> RunAsync(
        TrialRunner runner, RunStore store, RunManifest fresh, ExperimentSettings settings, PlanInputs inputs, RunOptions options,
        IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fresh);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        using var writer = store.HoldsWriterLock ? null : store.LockForWriting();
        fresh = fresh with { BatchSize = options.BatchSize };
        var manifest = store.Resumable(fresh) ?? fresh;
        if (settings.BoostLevelCount is { } count && manifest.BoostLevels is null)
        {
            var thresholds = new ThresholdCache(options.ThresholdCachePath).ReadAll().Values.Select(entry => entry.Threshold!.Value).ToArray();
            var (levels, stats) = BoostSweep.Levels(thresholds, count, settings.BoostRangeStd);
            manifest = manifest with { BoostLevels = levels, ThresholdCacheStats = stats };
        }
        if ((manifest.SelectedLatents ?? settings.Latents) is { } chosen) inputs = inputs with { SelectLatents = (_, _) => Task.FromResult(chosen) };
        var plan = await ExperimentPlanner.PlanAsync(settings, inputs, cancellationToken).ConfigureAwait(false) with { BoostLevels = manifest.BoostLevels };
        Validate(settings, plan);
        if (inputs.Source is null && manifest.SelectedLatents is null) manifest = manifest with { SelectedLatents = plan.DistinctLatents };
        manifest = await store.StartOrResumeAsync(manifest, cancellationToken).ConfigureAwait(false);
        return await runner.RunAsync(new RunRequest(store, manifest, settings, plan, inputs.Prompts), progress, cancellationToken).ConfigureAwait(false);
    }

    // What a generation would refuse only once the run had started (and written its manifest).
    private static void Validate(ExperimentSettings settings, RunPlan plan)
    {
        new SamplingOptions(settings.Temperature, settings.TopP, settings.RepetitionPenalty, settings.MaxNewTokens).Validate();
        new SamplingOptions(settings.Temperature, settings.TopP, settings.RepetitionPenalty, settings.CalibrationMaxTokens).Validate();
        if (settings.SaeWidth <= 0) return;
        void Check(int latent, string field)
        {
            if (latent < 0 || latent >= settings.SaeWidth)
                throw new ArgumentException($"{field}: latent {latent} is outside the SAE (0 to {settings.SaeWidth - 1})");
        }
        var named = settings.Latents is not null ? "latents" : settings.FromResults is not null ? "from_results" : "selected latents";
        foreach (var latent in plan.Latents)
        {
            Check(latent.Latent, named);
            foreach (var ablated in latent.Ablated) Check(ablated, "ablate_latents");
        }
    }
}
