using System.CommandLine;

namespace Esr.Cli;

/// <summary><c>esr chat-template</c>: the exact text a prompt becomes before tokenization.</summary>
internal static class ChatTemplateCommand
{
    public static Command Create(TextWriter output)
    {
        var model = CliOptions.Model();
        var prompt = new Option<string>("--prompt") { Description = "The user message", Required = true };
        var paperExtraHeader = CliOptions.PaperExtraHeader();
        var command = new Command("chat-template",
            "Print the prompt rendered as one user turn with the model's chat template and generation prompt, exactly (no newline added); "
            + "reads the model's template files, not its weights")
        {
            model, prompt, paperExtraHeader,
        };
        command.SetAction(parse =>
        {
            var options = new LoadOptions { PaperExtraHeader = CliOptions.GivenFlag(parse, paperExtraHeader) };
            output.Write(Workbench.PromptText(parse.GetRequiredValue(model), parse.GetRequiredValue(prompt), options));
            return ExitCodes.Success;
        });
        return command;
    }
}
