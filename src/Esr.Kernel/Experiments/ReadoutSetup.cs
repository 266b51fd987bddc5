using Esr.Kernel.Generation;
using Esr.Kernel.Hooks;
using Esr.Kernel.Interventions;
using Esr.Kernel.Models;
using Esr.Kernel.Saes;
using Esr.Kernel.Text;

namespace Esr.Kernel.Experiments;

/// <summary>
/// What the readout experiments (3A, 6, 9) need from a model: the model, its tokenizer, chat template and stop
/// tokens, the SAE, and the hook points it reads and steers at.
/// </summary>
/// <param name="Model">The model.</param>
/// <param name="Tokenizer">Its tokenizer.</param>
/// <param name="Template">Its chat template; with <see cref="ChatTemplateOptions.PaperReproduction"/> generations get
/// the paper's extra Llama header (readouts never do).</param>
/// <param name="StopTokenIds">The end-of-turn tokens that stop a generation.</param>
/// <param name="Sae">The SAE, used both for reading and steering (70B: the layer-50 SAE at block 33, ESR_SPEC §6 Exp 3).</param>
/// <param name="ReadoutPoint">Where latents are read (the paper: the SAE's own block, 50 for 70B).</param>
/// <param name="SteeringPoint">Where steering applies (the paper: block 33 for 70B).</param>
public sealed record ReadoutSetup(
    CausalLanguageModel Model, TextTokenizer Tokenizer, ChatTemplate Template, IReadOnlySet<int> StopTokenIds,
    SparseAutoencoder Sae, HookPoint ReadoutPoint, HookPoint SteeringPoint)
{
    /// <summary>The ids of a [user, assistant] conversation templated without the generation prompt (ESR_SPEC §1.5).</summary>
    public int[] ConversationIds(string prompt, string response) => Template.ConversationIds(Tokenizer, prompt, response);

    /// <summary>The ids of a generation request: the user turn with the generation prompt.</summary>
    public int[] PromptIds(string prompt) => Template.PromptIds(Tokenizer, prompt);

    /// <summary>Each token decoded on its own, special tokens kept (the paper's token strings).</summary>
    public IReadOnlyList<string> TokenStrings(IReadOnlyList<int> ids) => Tokenizer.TokenTexts(ids);

    /// <summary>
    /// Feeds <paramref name="ids"/> whole and reads <paramref name="latents"/> (all when null) at
    /// <see cref="ReadoutPoint"/>, with <paramref name="steering"/> active at <see cref="SteeringPoint"/> (before the
    /// read when both are the same point).
    /// </summary>
    public LatentTrace Read(IReadOnlyList<int> ids, IReadOnlyList<int>? latents, IReadOnlyList<Intervention>? steering = null) =>
        LatentReadout.Read(Model, ReadoutPoint, Sae, ids, latents, steering, SteeringPoint);

    /// <summary>Generates one unsteered response per prompt, in batches, each with its own seed; returns the texts.</summary>
    public IReadOnlyList<string> Generate(IReadOnlyList<string> prompts, IReadOnlyList<int> seeds, SamplingOptions sampling, int batchSize, CancellationToken cancellationToken)
    {
        var generator = new BatchGenerator(Model);
        var texts = new List<string>();
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            var requests = Enumerable.Range(start, Math.Min(batchSize, prompts.Count - start))
                .Select(i => new GenerationRequest(PromptIds(prompts[i]), sampling, seeds[i], StopTokenIds)).ToList();
            texts.AddRange(generator.Generate(requests, cancellationToken: cancellationToken).Select(r => Tokenizer.Decode(r.TokenIds)));
        }
        return texts;
    }
}
