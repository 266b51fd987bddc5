using System.CommandLine;
using System.Globalization;

namespace Esr.Cli;

/// <summary><c>esr logits</c>: one forward pass, all positions' logits as JSON.</summary>
internal static class LogitsCommand
{
    public static Command Create(TextWriter output)
    {
        var load = new ModelOptions(extraHeader: false, sae: true);
        var ids = new Option<string>("--ids")
        {
            Description = "Comma-separated token ids, e.g. 128000,849,21435",
            HelpName = "ids",
            Required = true,
        };
        var steering = new SteeringOptions();
        var command = new Command("logits", "Print a JSON array with one array of logits (float32, [vocab]) per input position") { ids };
        foreach (var option in load.All.Concat(steering.All)) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var tokenIds = ParseIds(parse.GetRequiredValue(ids));
            var steer = steering.Read(parse, load.Sae);
            using var model = load.Load(parse);
            JsonNumbers.WriteRows(output, model.Logits(tokenIds, steer));
            output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Parses <c>1,2,3</c>; spaces around ids are allowed, empty entries are not.</summary>
    /// <exception cref="EsrInputException">The list is empty or an entry is not a non-negative integer.</exception>
    internal static int[] ParseIds(string text)
    {
        var parts = text.Split(',');
        var result = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out result[i]))
                throw new EsrInputException(text.Trim().Length == 0
                    ? "--ids is empty (expected comma-separated token ids, e.g. 128000,849)"
                    : $"--ids entry {i + 1} ('{part}') is not a non-negative integer token id");
        }
        return result;
    }
}
