using System.CommandLine;
using Esr.Kernel.Text;

namespace Esr.Cli;

/// <summary><c>esr tokenize</c>: text to token ids, printed as one JSON array.</summary>
internal static class TokenizeCommand
{
    public static Command Create(TextWriter output)
    {
        var tokenizerPath = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer.json file, or a model directory holding one",
            HelpName = "path",
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
            using var tokenizer = TextTokenizer.Load(parse.GetRequiredValue(tokenizerPath));
            var ids = tokenizer.Encode(parse.GetRequiredValue(text), parse.GetValue(addSpecial));
            JsonNumbers.WriteIds(output, ids);
            output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
