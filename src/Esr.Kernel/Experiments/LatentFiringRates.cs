using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments;

/// <summary>
/// How often each latent fires over a run's responses: per latent, the share of response tokens with activation &gt; 0,
/// each response fed after its prompt as the model generated it and read without steering. Experiment 10's matched
/// random sets (<see cref="Runs.MatchedRandomSets"/>) are drawn against these rates.
/// </summary>
public static class LatentFiringRates
{
    /// <summary>The rates over the trials' responses (trials with an error or an empty response are skipped).</summary>
    /// <param name="model">The model and SAE; latents are read at its readout point.</param>
    /// <param name="trials">The trials, e.g. a no-steering run's (experiment 8).</param>
    /// <param name="cancellationToken">Stops between responses.</param>
    /// <returns>One rate per SAE latent, in latent order.</returns>
    /// <exception cref="ArgumentException">No trial holds a response to read.</exception>
    public static double[] Measure(ReadoutSetup model, IEnumerable<TrialRecord> trials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trials);
        var firing = new long[model.Sae.LatentCount];
        long tokens = 0;
        foreach (var trial in trials.Where(t => t.Error is null && !string.IsNullOrEmpty(t.Response)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var prompt = model.PromptIds(trial.Prompt);
            var trace = model.Read([.. prompt, .. model.Tokenizer.Encode(trial.Response)], null);
            for (var token = prompt.Length; token < trace.Tokens.Count; token++)
            {
                var activations = trace.Tokens[token];
                for (var latent = 0; latent < activations.Length; latent++)
                    if (activations[latent] > 0) firing[latent]++;
                tokens++;
            }
        }
        if (tokens == 0) throw new ArgumentException("no trial holds a response whose tokens the latents' firing rates could be read over", nameof(trials));
        return firing.Select(count => (double)count / tokens).ToArray();
    }
}
