namespace Esr.Kernel.Experiments.Detectors;

/// <summary>
/// Experiment 3 part A (ESR_SPEC §7.1): generate one unsteered response per discovery prompt; pair each prompt with
/// another prompt's response through a derangement (shuffled, off-topic) and with its own (normal); read the SAE over
/// each two-turn conversation, max-pool every latent over all positions, and apply <see cref="DetectorRule"/>.
/// </summary>
public static class DetectorDiscovery
{
    /// <summary>Runs the discovery.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 prompts.</exception>
    public static DetectorDiscoveryResult Run(
        ReadoutSetup model, IReadOnlyList<string> prompts, DetectorDiscoveryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        options ??= new DetectorDiscoveryOptions();
        if (prompts.Count < 2) throw new ArgumentException("the discovery needs at least 2 prompts to pair each with another's response", nameof(prompts));

        var random = new Random(options.Seed);
        var seeds = prompts.Select(_ => random.Next(0, 1_000_001)).ToArray();
        var responses = model.Generate(prompts, seeds, options.Sampling, Math.Max(1, options.BatchSize), cancellationToken);

        var permutation = Derangement.Draw(prompts.Count, random);
        var shuffledPairs = Enumerable.Range(0, prompts.Count).Select(i => (Prompt: prompts[i], Response: responses[permutation[i]])).ToArray();
        random.Shuffle(shuffledPairs);

        IReadOnlyList<int>? latents = options.Latents;
        float[] Pool((string Prompt, string Response) pair)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trace = model.Read(model.ConversationIds(pair.Prompt, pair.Response), options.Latents);
            latents ??= trace.Latents;
            return trace.MaxPool();
        }
        var shuffled = shuffledPairs.Select(Pool).ToList();
        var normal = prompts.Select((p, i) => Pool((p, responses[i]))).ToList();

        var detectors = options.Rule.Find(latents!, normal, shuffled);
        return new DetectorDiscoveryResult(detectors, prompts, responses, seeds, permutation, options);
    }
}
