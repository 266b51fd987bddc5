using System.CommandLine;
using Esr.Kernel.Text;

namespace Esr.Cli;

/// <summary>How a prompt becomes model input: one user turn through the model's chat template (ESR_SPEC §1.5).</summary>
internal static class PromptText
{
    /// <summary><c>--paper-extra-header</c>.</summary>
    public static Option<bool> PaperExtraHeaderOption() => new("--paper-extra-header")
    {
        Description = "Llama only: append the paper's extra <|begin_of_text|><|start_header_id|>assistant<|end_header_id|> "
            + "after the generation prompt (ESR_SPEC §1.5 quirk; off by default)",
    };

    /// <summary>The prompt as a single user turn rendered with the model directory's chat template and its generation prompt.</summary>
    public static string Render(string modelDirectory, string prompt, bool paperExtraHeader)
    {
        var options = ChatTemplateOptions.Default with { AppendPapersExtraAssistantHeader = paperExtraHeader };
        var template = ChatTemplate.ForModelDirectory(modelDirectory, options);
        return template.Render([ChatMessage.User(prompt)], addGenerationPrompt: true);
    }
}
