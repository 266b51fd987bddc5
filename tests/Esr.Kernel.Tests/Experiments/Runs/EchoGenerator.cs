using System.Globalization;
using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Generation;
using Esr.Kernel.Interventions;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary>
/// A model stand-in whose response spells out what it was asked (prompt, seed, tokens, interventions), so tests
/// see exactly which generation each trial got; it can cancel a token after a number of batches.
/// </summary>
internal sealed class EchoGenerator : ITrialGenerator
{
    public int Batches { get; private set; }

    public List<int> BatchSizes { get; } = [];

    public (int AfterBatches, CancellationTokenSource Source)? CancelAt { get; set; }

    /// <summary>How long each batch takes, so that concurrent requests have time to queue up.</summary>
    public TimeSpan Delay { get; init; }

    public static string Describe(GenerationJob job) =>
        $"{job.Prompt}|seed {job.Seed}|max {job.MaxNewTokens}|" + string.Join(",", job.Interventions.Select(i => i switch
        {
            AddLatent add => $"add {add.Latent}={add.Value.ToString("R", CultureInfo.InvariantCulture)}",
            AblateLatents ablate => $"ablate {string.Join(" ", ablate.Latents)}",
            _ => i.ToString(),
        }));

    /// <summary>The frame of every batch, in order.</summary>
    public List<BatchFrame> Frames { get; } = [];

    /// <summary>A stand-in token count: one per character.</summary>
    public int PromptTokens(string prompt) => prompt.Length;

    public IReadOnlyList<string> Generate(IReadOnlyList<GenerationJob> jobs, BatchFrame frame, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Delay > TimeSpan.Zero) Thread.Sleep(Delay);
        Batches++;
        BatchSizes.Add(jobs.Count);
        Frames.Add(frame);
        if (CancelAt is { } cancel && Batches > cancel.AfterBatches) cancel.Source.Cancel();
        return jobs.Select(Describe).ToArray();
    }
}
