using Esr.Kernel.Formats;
using Esr.Kernel.Models;
using Esr.Kernel.Text;
using static TorchSharp.torch;

namespace Esr.Kernel.Generation;

/// <summary>
/// A model with what it takes to talk to it: tokenizer, chat template, stop tokens. The one place a model directory
/// becomes these four pieces and a prompt becomes ids; the facade's LoadedModel, the local judge, the
/// toy evaluation and the experiments build on it. It owns the model and the tokenizer.
/// </summary>
public sealed class ChatModel : IDisposable
{
    /// <summary>Bundles loaded pieces, taking ownership of <paramref name="model"/> and <paramref name="tokenizer"/>.</summary>
    public ChatModel(CausalLanguageModel model, TextTokenizer tokenizer, ChatTemplate template, IReadOnlySet<int> stopTokenIds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(stopTokenIds);
        Model = model;
        Tokenizer = tokenizer;
        Template = template;
        StopTokenIds = stopTokenIds;
    }

    /// <summary>The decoder.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>Its tokenizer.</summary>
    public TextTokenizer Tokenizer { get; }

    /// <summary>Its chat template, with the quirk options it was loaded with.</summary>
    public ChatTemplate Template { get; }

    /// <summary>The tokens that end a generation.</summary>
    public IReadOnlySet<int> StopTokenIds { get; }

    /// <summary>
    /// Loads a Hugging Face model directory: the chat template and tokenizer first (quick to fail), the stop tokens,
    /// then the weights.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <param name="dtype">Float32 or BFloat16.</param>
    /// <param name="device">Where the weights go; null for the CPU.</param>
    /// <param name="templateOptions">Quirk options of the chat template; null for Hugging Face's rendering.</param>
    /// <exception cref="ModelFormatException">A model file is missing or malformed, or config.json's vocab_size exceeds the tokenizer's ids.</exception>
    /// <exception cref="FileNotFoundException">A tokenizer or template file is missing.</exception>
    /// <exception cref="InvalidDataException">A tokenizer or template file is malformed.</exception>
    /// <exception cref="NotSupportedException">The model family or template is not one this project renders.</exception>
    public static ChatModel Load(string directory, ScalarType dtype = ScalarType.Float32, Device? device = null, ChatTemplateOptions? templateOptions = null)
    {
        var template = ChatTemplate.ForModelDirectory(directory, templateOptions);
        var tokenizer = TextTokenizer.Load(directory);
        try
        {
            var stops = StopTokens.FromModelDirectory(directory, tokenizer);
            var model = CausalLanguageModel.Load(directory, dtype, device);
            // Every id the model can produce must decode.
            if (model.Config.VocabularySize > tokenizer.VocabularySize)
            {
                model.Dispose();
                throw new ModelFormatException(Path.Combine(directory, "config.json"),
                    $"vocab_size {model.Config.VocabularySize} is larger than the tokenizer's {tokenizer.VocabularySize} ids");
            }
            return new ChatModel(model, tokenizer, template, stops);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    /// <summary>A prompt as one user turn with the generation prompt, as ids (<see cref="ChatTemplate.PromptIds"/>).</summary>
    public int[] PromptIds(string prompt) => Template.PromptIds(Tokenizer, prompt);

    /// <summary>A [user, assistant] exchange without the generation prompt, as ids (<see cref="ChatTemplate.ConversationIds"/>).</summary>
    public int[] ConversationIds(string prompt, string response) => Template.ConversationIds(Tokenizer, prompt, response);

    /// <summary>A generation request for prompt ids, stopping at this model's stop tokens.</summary>
    public GenerationRequest Request(IReadOnlyList<int> promptIds, SamplingOptions sampling, int seed) => new(promptIds, sampling, seed, StopTokenIds);

    /// <summary>Frees the model and the tokenizer.</summary>
    public void Dispose()
    {
        Model.Dispose();
        Tokenizer.Dispose();
    }
}
