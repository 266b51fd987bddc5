namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// One start of an experiment run, from settings to stored trials: fixes the boost levels (Exp 2) and the latent
/// selection on the first start, writes or checks the manifest, plans, and runs the runner.
/// </summary>
public static class ExperimentRun
{
    /// <summary>The manifest a run with these inputs has.</summary>
    public static RunManifest Manifest(ExperimentSettings settings, int runSeed, RunIdentity identity, string judge, ShardSpec? shard)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(identity);
        return new RunManifest(settings.Experiment, identity.ProjectVersion, runSeed, settings.Model, identity.ModelHash, identity.SaeHash,
            judge, shard?.ToString(), settings.ToJson(), RunQuirks.Of(settings, runSeed)) { CreatedUtc = DateTimeOffset.UtcNow };
    }

    /// <summary>Starts or resumes the run in <paramref name="store"/>, holding its writer lock throughout.</summary>
    /// <exception cref="InvalidDataException">The folder holds a different run.</exception>
    /// <exception cref="IOException">Another writer is using the folder.</exception>
    public static async Task<RunOutcome> RunAsync(
        ExperimentRunner runner, RunStore store, RunManifest fresh, ExperimentSettings settings, PlanInputs inputs, RunOptions options,
        IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fresh);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        using var writer = store.HoldsWriterLock ? null : store.LockForWriting();
        if (settings.BoostLevelCount is { } count && store.ReadManifest() is null)
        {
            var thresholds = new ThresholdCache(options.ThresholdCachePath).ReadAll().Values.Select(entry => entry.Threshold!.Value).ToArray();
            var (levels, stats) = BoostSweep.Levels(thresholds, count, settings.BoostRangeStd);
            fresh = fresh with { BoostLevels = levels, ThresholdCacheStats = stats };
        }
        var manifest = await store.StartOrResumeAsync(fresh, cancellationToken).ConfigureAwait(false);
        if ((manifest.SelectedLatents ?? settings.Latents) is { } chosen) inputs = inputs with { SelectLatents = (_, _) => Task.FromResult(chosen) };
        var plan = await ExperimentPlanner.PlanAsync(settings, inputs, cancellationToken).ConfigureAwait(false) with { BoostLevels = manifest.BoostLevels };
        if (inputs.Source is null && manifest.SelectedLatents is null)
        {
            manifest = manifest with { SelectedLatents = plan.DistinctLatents };
            await store.WriteManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        return await runner.RunAsync(new RunRequest(store, manifest, settings, plan, inputs.Prompts), progress, cancellationToken).ConfigureAwait(false);
    }
}
