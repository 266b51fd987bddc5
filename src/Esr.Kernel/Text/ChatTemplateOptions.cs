namespace Esr.Kernel.Text;

/// <summary>Choices a chat template does not take from the model's files.</summary>
public sealed record ChatTemplateOptions
{
    /// <summary>The templates exactly as Hugging Face renders them.</summary>
    public static ChatTemplateOptions Default { get; } = new();

    /// <summary>As the ESR paper's code rendered prompts: <see cref="AppendPapersExtraAssistantHeader"/> on.</summary>
    public static ChatTemplateOptions PaperReproduction { get; } = new() { AppendPapersExtraAssistantHeader = true };

    /// <summary>
    /// The ESR paper's Llama quirk (ESR_SPEC §1.5, quirk 4 in §11): after rendering with the generation prompt, the
    /// paper's code appended the ids 128000, 128006, 78191, 128007, that is
    /// <c>&lt;|begin_of_text|&gt;&lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;</c>: a second BOS and a
    /// second assistant header without its trailing "\n\n". Generated responses then usually start with "\n\n", and
    /// steering acts on four more positions. When true, Llama templates append that text to every render that has
    /// the generation prompt; renders without it (readouts) are unchanged. Gemma templates ignore this option: the
    /// paper appended nothing there.
    /// </summary>
    public bool AppendPapersExtraAssistantHeader { get; init; }
}
