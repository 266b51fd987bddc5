using System.CommandLine;

namespace Esr.Cli;

/// <summary><c>esr tokenize</c>: text to token ids, printed as one JSON array.</summary>
internal static class TokenizeCommand
{
    public static Command Create(TextWriter output)
    {
        var tokenizerPath = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer.json file, a model directory holding one, or a model name as --model takes",
            HelpName = "path|name",
            Required = true,
        };
        var text = new Option<string>("--text") { Description = "The text to encode", Required = true };
        var addSpecial = new Option<bool>("--add-special")
        {
            Description = "Add the special tokens the tokenizer's post-processor specifies (e.g. BOS); without it nothing is added",
        };
        var command = new Command("tokenize", "Print the token ids of a text as a JSON array")
        {
            tokenizerPath, text, addSpecial,
        };
        command.SetAction(parse =>
        {
            using var tokenizer = Workbench.LoadTokenizer(parse.GetRequiredValue(tokenizerPath));
            JsonNumbers.WriteIds(output, tokenizer.Encode(parse.GetRequiredValue(text), parse.GetValue(addSpecial)));
            output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
