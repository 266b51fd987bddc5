using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Batches jobs of many latents and boosts through one <see cref="BatchGenerator"/> call, each row with its own
/// interventions (<see cref="InterventionHook.PerRow"/>) at the steering block. Each prompt is one user turn,
/// rendered with the chat template and its generation prompt (ESR_SPEC §1.5; the Llama extra-header quirk comes
/// with the template's options). Not thread-safe: the run engine calls it from one producer.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="tokenizer">Its tokenizer.</param>
/// <param name="template">Its chat template, with the run's options.</param>
/// <param name="sae">The SAE whose latents the interventions name; null when no job names one.</param>
/// <param name="steeringPoint">Where interventions apply, <c>blocks.L.resid_post</c>.</param>
/// <param name="stopTokenIds">The model's end tokens.</param>
/// <param name="sampling">Temperature, top-p and repetition penalty; the token limit comes from each job.</param>
public sealed class SteeredGenerator(
    CausalLanguageModel model, TextTokenizer tokenizer, ChatTemplate template, SparseAutoencoder? sae, HookPoint steeringPoint,
    IReadOnlySet<int> stopTokenIds, SamplingOptions sampling) : ITrialGenerator
{
    /// <inheritdoc />
    public int PromptTokens(string prompt) => Tokens(prompt).Count;

    /// <inheritdoc />
    public IReadOnlyList<string> Generate(IReadOnlyList<GenerationJob> jobs, BatchFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(frame);
        if (jobs.Count == 0) return [];
        var requests = jobs.Select(job => new GenerationRequest(Tokens(job.Prompt), sampling with { MaxNewTokens = job.MaxNewTokens }, job.Seed, stopTokenIds)).ToArray();
        // One entry per frame row: the frame's filler rows get none.
        using var hook = jobs.Any(job => job.Interventions.Count > 0)
            ? InterventionHook.PerRow(sae, Enumerable.Range(0, frame.Rows).Select(row => row < jobs.Count && jobs[row].Interventions.Count > 0 ? jobs[row].Interventions : null).ToArray())
            : null;
        var hooks = hook is null ? null : new ActivationHooks().Add(steeringPoint, hook);
        var results = new BatchGenerator(model, frame).Generate(requests, hooks, cancellationToken: cancellationToken);
        return results.Select(result => tokenizer.Decode(result.TokenIds)).ToArray();
    }

    private IReadOnlyList<int> Tokens(string prompt) => template.PromptIds(tokenizer, prompt);
}
