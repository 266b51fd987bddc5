using System.CommandLine;

namespace Esr.Cli;

/// <summary><c>esr chat-template</c>: the exact text a prompt becomes before tokenization.</summary>
internal static class ChatTemplateCommand
{
    public static Command Create(TextWriter output)
    {
        var model = CliOptions.ModelDirectory();
        var prompt = new Option<string>("--prompt") { Description = "The user message", Required = true };
        var paperExtraHeader = PromptText.PaperExtraHeaderOption();
        var command = new Command("chat-template",
            "Print the prompt rendered as one user turn with the model's chat template and generation prompt, exactly (no newline added)")
        {
            model, prompt, paperExtraHeader,
        };
        command.SetAction(parse =>
        {
            var directory = parse.GetRequiredValue(model);
            ModelLoading.RequireDirectory(directory);
            output.Write(PromptText.Render(directory, parse.GetRequiredValue(prompt), parse.GetValue(paperExtraHeader)));
            return ExitCodes.Success;
        });
        return command;
    }
}
