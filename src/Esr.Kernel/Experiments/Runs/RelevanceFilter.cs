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

    /// <summary>The candidates that pass.</summary>
    public IReadOnlySet<int> Keep(IReadOnlyList<int> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var kept = candidates.ToHashSet();
        if (rule == RelevanceRule.None || kept.Count == 0) return kept;
        foreach (var prompt in prompts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = tokenizer.Encode(template.Render([ChatMessage.User(prompt)], addGenerationPrompt: false), addSpecialTokens: false);
            if (rule == RelevanceRule.AllZero)
            {
                var read = kept.Order().ToArray();
                var max = LatentReadout.Read(model, readoutPoint, sae, ids, read).MaxPool();
                for (var i = 0; i < read.Length; i++)
                    if (max[i] != 0f) kept.Remove(read[i]);
            }
            else
            {
                var max = LatentReadout.Read(model, readoutPoint, sae, ids).MaxPool();
                foreach (var latent in Enumerable.Range(0, max.Length).OrderByDescending(i => max[i]).Take(TopCount)) kept.Remove(latent);
            }
        }
        return kept;
    }
}
