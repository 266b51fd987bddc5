using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Esr.Kernel.Generation;
using Esr.Kernel.Interventions;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Runs a plan: per latent, finds its threshold (source, cache or calibration, ESR_SPEC §4), batches the trials of
/// many latents and boosts through the generator, and hands each response to a bounded channel that concurrent
/// judge calls drain while the next batch generates; judged trials are appended to the run store in batches.
/// Trials already stored are skipped, so a start after a crash finishes the run; cancellation stops generating
/// and judging but stores every trial already judged.
/// </summary>
/// <param name="generator">The model access.</param>
/// <param name="judge">The judge.</param>
/// <param name="options">Batch size, judge concurrency, threshold cache and shard.</param>
public sealed class TrialRunner(ITrialGenerator generator, IJudge judge, RunOptions options)
{
    private readonly Lock _cacheLock = new();

    private sealed record Work(PlannedTrial Trial, double Boost, double? Threshold);

    private sealed record Generated(Work Work, string Response);

    /// <summary>Runs (or resumes) the request's plan, shard <see cref="RunOptions.Shard"/> of it.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; the trials judged so far are stored.</exception>
    public async Task<RunOutcome> RunAsync(RunRequest request, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.BatchSize < 1 || options.JudgeConcurrency < 1) throw new ArgumentException("batch size and judge concurrency must be at least 1");
        var clock = Stopwatch.StartNew();
        var trials = request.Plan.Shard(options.Shard).Trials(request.Manifest.RunSeed).ToArray();
        var stored = request.Store.ReadTrials().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var pending = trials.Where(t => !stored.Contains(t.Key)).ToArray();
        var already = trials.Length - pending.Length;
        var written = 0;
        void Report(string phase)
        {
            var minutes = clock.Elapsed.TotalMinutes;
            var done = Volatile.Read(ref written);
            var rate = minutes > 0 ? done / minutes : 0;
            var left = trials.Length - already - done;
            progress?.Report(new RunProgress(already + done, trials.Length, rate, rate > 0 ? TimeSpan.FromMinutes(left / rate) : null, phase));
        }
        Report("starting");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toJudge = Channel.CreateBounded<Generated>(new BoundedChannelOptions(options.BatchSize * 2) { SingleWriter = true });
        var toWrite = Channel.CreateUnbounded<TrialRecord>(new UnboundedChannelOptions { SingleReader = true });
        var frame = Frame(request);
        var producer = Task.Run(() => ProduceAsync(request, pending, frame, toJudge.Writer, toWrite.Writer, Report, stop.Token), CancellationToken.None);
        var judges = Enumerable.Range(0, options.JudgeConcurrency)
            .Select(_ => Task.Run(() => JudgeAsync(request, toJudge.Reader, toWrite.Writer, stop.Token), CancellationToken.None)).ToArray();
        var writer = Task.Run(async () =>
        {
            // Never cancelled: whatever was judged is stored, whatever else happens.
            while (await toWrite.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var batch = new List<TrialRecord>();
                while (toWrite.Reader.TryRead(out var record)) batch.Add(record);
                await request.Store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref written, batch.Count);
                Report("judging");
            }
        }, CancellationToken.None);

        Exception? failure = null;
        foreach (var task in judges.Prepend(producer))
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The first real failure wins over the cancellations it caused in the other tasks.
                if (failure is null || (failure is OperationCanceledException && e is not OperationCanceledException)) failure = e;
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }
        toWrite.Writer.Complete();
        await writer.ConfigureAwait(false);
        if (failure is not null) throw failure is OperationCanceledException ? new OperationCanceledException(failure.Message, failure, cancellationToken) : failure;
        cancellationToken.ThrowIfCancellationRequested();
        Report("done");
        return new RunOutcome(trials.Length, already, written, clock.Elapsed);
    }

    /// <summary>
    /// The one batch shape of the run: the batch size by the longest prompt of the whole plan, every shard and
    /// calibration prompt included, so a start, a resume and each shard generate every row in the same frame.
    /// </summary>
    private BatchFrame Frame(RunRequest request)
    {
        var prompts = request.Plan.Latents.SelectMany(latent => latent.Prompts.Select(prompt => prompt.Prompt)).Concat(request.CalibrationPrompts);
        return new BatchFrame(options.BatchSize, prompts.Distinct(StringComparer.Ordinal).Select(generator.PromptTokens).DefaultIfEmpty(1).Max());
    }

    private async Task ProduceAsync(
        RunRequest request, IReadOnlyList<PlannedTrial> pending, BatchFrame frame, ChannelWriter<Generated> toJudge, ChannelWriter<TrialRecord> toWrite,
        Action<string> report, CancellationToken cancellationToken)
    {
        var model = new CoalescingGenerator(generator, frame, cancellationToken);
        var flushes = new List<Task>();
        try
        {
            var groups = pending.GroupBy(t => t.Latent).ToArray();
            var thresholds = new Dictionary<int, Task<(double? Threshold, string? Error)>>();
            Task<(double? Threshold, string? Error)> ThresholdOf(LatentPlan latent)
            {
                if (!thresholds.TryGetValue(latent.Latent, out var task))
                    thresholds[latent.Latent] = task = ThresholdAsync(request, latent, model, cancellationToken);
                return task;
            }
            var batch = new List<Work>();
            for (var g = 0; g < groups.Length; g++)
            {
                // The next latents calibrate meanwhile; their generations share batches with these trials.
                for (var ahead = g; ahead < Math.Min(groups.Length, g + options.CalibrationConcurrency); ahead++) _ = ThresholdOf(groups[ahead].Key);
                report($"threshold of latent {groups[g].Key.Latent}");
                var found = await ThresholdOf(groups[g].Key).ConfigureAwait(false);
                foreach (var trial in groups[g])
                {
                    if (found.Error is not null)
                    {
                        await toWrite.WriteAsync(Record(request, trial, 0, null, "", null, null, found.Error), cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    var boost = request.Settings.NoSteering ? 0 : trial.BoostLevel ?? found.Threshold!.Value;
                    batch.Add(new Work(trial, boost, request.Settings.NoSteering ? 0 : found.Threshold));
                    if (batch.Count < options.BatchSize) continue;
                    flushes.Add(FlushAsync(request, [.. batch], model, toJudge, report, cancellationToken));
                    batch.Clear();
                    // At most two batches ahead of the judges. One snapshot: a batch may finish between two reads of IsCompleted.
                    var running = flushes.Where(f => !f.IsCompleted).ToArray();
                    if (running.Length > 2) await Task.WhenAny(running).ConfigureAwait(false);
                }
            }
            flushes.Add(FlushAsync(request, batch, model, toJudge, report, cancellationToken));
            await Task.WhenAll(flushes).ConfigureAwait(false);
        }
        finally
        {
            // On failure, the batches already generating still reach the judges; the failure that ended the loop is reported.
            try { await Task.WhenAll(flushes).ConfigureAwait(false); } catch (Exception) { }
            toJudge.Complete();
            await model.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task FlushAsync(
        RunRequest request, IReadOnlyList<Work> batch, CoalescingGenerator model, ChannelWriter<Generated> toJudge, Action<string> report,
        CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        report($"generating {batch.Count}");
        var jobs = batch.Select(w => new GenerationJob(
            w.Trial.Prompt.Prompt, w.Trial.Seed, request.Settings.MaxNewTokens,
            Interventions(!request.Settings.NoSteering, w.Trial.Latent.Latent, w.Boost, w.Trial.Latent.Ablated))).ToArray();
        var responses = await model.GenerateAsync(jobs).ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++) await toJudge.WriteAsync(new Generated(batch[i], responses[i]), cancellationToken).ConfigureAwait(false);
    }

    private async Task JudgeAsync(RunRequest request, ChannelReader<Generated> toJudge, ChannelWriter<TrialRecord> toWrite, CancellationToken cancellationToken)
    {
        await foreach (var item in toJudge.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var trial = item.Work.Trial;
            var verdict = await judge.JudgeAsync(new JudgeRequest(trial.Prompt.Prompt, item.Response, trial.Latent.Label), cancellationToken).ConfigureAwait(false);
            await toWrite.WriteAsync(Record(request, trial, item.Work.Boost, item.Work.Threshold, item.Response, verdict, null, null), cancellationToken).ConfigureAwait(false);
        }
    }

    private TrialRecord Record(
        RunRequest request, PlannedTrial trial, double boost, double? threshold, string response, JudgeVerdict? verdict, string? error, string? latentError) =>
        new(trial.Key, int.Parse(request.Settings.Experiment, CultureInfo.InvariantCulture), request.Manifest.Model, trial.Latent.Condition,
            trial.Latent.Latent, trial.Latent.Label, trial.Prompt.Prompt, boost, threshold, trial.Seed, response, verdict, error)
        {
            Judge = judge.Name, BasePrompt = trial.Prompt.BasePrompt, AblatedLatents = trial.Latent.Ablated, LatentError = latentError,
        };

    /// <summary>The interventions of one generation: the boost (when steered), then the zero-clamps.</summary>
    internal static IReadOnlyList<Intervention> Interventions(bool steered, int latent, double boost, IReadOnlyList<int> ablated)
    {
        var list = new List<Intervention>();
        if (steered) list.Add(new AddLatent(latent, (float)boost));
        if (ablated.Count > 0) list.Add(new AblateLatents(ablated));
        return list;
    }

    // Source threshold unless recalibrating; else the cache; else calibration, stored in the cache.
    private async Task<(double? Threshold, string? Error)> ThresholdAsync(
        RunRequest request, LatentPlan latent, CoalescingGenerator model, CancellationToken cancellationToken)
    {
        var settings = request.Settings;
        if (settings.NoSteering) return (0, null);
        if (latent.SourceThreshold is { } source && !settings.RecalibrateThresholds) return (source, null);
        var cache = new ThresholdCache(options.ThresholdCachePath);
        if (cache.Lookup(latent.Latent) is { } cached) return (cached, null);
        try
        {
            var calibration = new LatentCalibration(model, judge, settings, request.Manifest.RunSeed, request.CalibrationPrompts, latent);
            var result = await ThresholdFinder.FindAsync(settings.Calibration, calibration.ScoreAsync, cancellationToken).ConfigureAwait(false);
            var threshold = result.Rounded;
            var achieved = settings.VerifyThreshold ? await calibration.VerifyAsync(threshold, cancellationToken).ConfigureAwait(false) : null;
            // Calibrations run concurrently; the cache's read-merge-write must not interleave.
            lock (_cacheLock) cache.Store(latent.Latent, new ThresholdCacheEntry(threshold, achieved, ThresholdCacheConfig.From(settings.Calibration)));
            return (threshold, null);
        }
        catch (ThresholdCalibrationException e)
        {
            return (null, $"ThresholdCalibrationException: {e.Message}");
        }
    }
}
