using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// The relevance filter of latent selection (ESR_SPEC §3 step 3): each prompt as a user-only conversation,
/// templated without the generation prompt, read at the readout block; per latent the maximum over all positions
/// (template and BOS tokens included).
/// </summary>
/// <param name="model">The model.</param>
/// <param name="tokenizer">Its tokenizer.</param>
/// <param name="template">Its chat template.</param>
/// <param name="sae">The SAE read.</param>
/// <param name="readoutPoint">Where it reads.</param>
/// <param name="prompts">The prompts (the 38, or the first n).</param>
/// <param name="rule">All-zero (the code) or top-100 per prompt (the paper notes).</param>
public sealed class RelevanceFilter(
    CausalLanguageModel model, TextTokenizer tokenizer, ChatTemplate template, SparseAutoencoder sae, HookPoint readoutPoint,
    IReadOnlyList<string> prompts, RelevanceRule rule)
{
    /// <summary>How many of each prompt's most activated latents the top-100 rule drops.</summary>
    public const int TopCount = 100;

    /// <summary>Prompts read per forward pass (left-padded; the readout drops padding).</summary>
    public const int PromptsPerPass = 8;

    /// <summary>The candidates that pass.</summary>
    public IReadOnlySet<int> Keep(IReadOnlyList<int> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var kept = candidates.ToHashSet();
        if (rule == RelevanceRule.None || kept.Count == 0) return kept;
        var encoded = prompts.Select(prompt => template.PromptIds(tokenizer, prompt, addGenerationPrompt: false)).ToArray();
        // All-zero reads only the candidates; top-100 needs every latent's maximum.
        var read = rule == RelevanceRule.AllZero ? candidates.Distinct().Order().ToArray() : null;
        foreach (var chunk in encoded.Chunk(PromptsPerPass))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var trace in Read(chunk, read))
            {
                var max = trace.MaxPool();
                if (read is not null)
                {
                    for (var i = 0; i < read.Length; i++)
                        if (max[i] != 0f) kept.Remove(read[i]);
                }
                else
                {
                    foreach (var latent in Enumerable.Range(0, max.Length).OrderByDescending(i => max[i]).Take(TopCount)) kept.Remove(latent);
                }
            }
        }
        return kept;
    }

    // One left-padded pass of the prompts up to the readout block; no logits are made.
    private IReadOnlyList<LatentTrace> Read(IReadOnlyList<int[]> rows, IReadOnlyList<int>? latents)
    {
        var length = rows.Max(row => row.Length);
        var ids = new long[rows.Count, length];
        var mask = new bool[rows.Count, length];
        for (var r = 0; r < rows.Count; r++)
            for (var i = 0; i < rows[r].Length; i++)
            {
                ids[r, length - rows[r].Length + i] = rows[r][i];
                mask[r, length - rows[r].Length + i] = true;
            }
        using var readout = new LatentReadout(sae, latents);
        using var cache = model.NewCache(rows.Count, length);
        using var idTensor = TorchSharp.torch.tensor(ids);
        using var maskTensor = TorchSharp.torch.tensor(mask);
        model.ForwardUntilLastHook(idTensor, maskTensor, cache, new ActivationHooks().Add(readoutPoint, readout));
        return readout.Traces;
    }
}
