using System.CommandLine;
using System.Globalization;
using Esr.Kernel.Models;

namespace Esr.Cli;

/// <summary><c>esr logits</c>: one forward pass, all positions' logits as JSON.</summary>
internal static class LogitsCommand
{
    public static Command Create(TextWriter output)
    {
        var model = CliOptions.ModelDirectory();
        var ids = new Option<string>("--ids")
        {
            Description = "Comma-separated token ids, e.g. 128000,849,21435",
            HelpName = "ids",
            Required = true,
        };
        var steer = CliOptions.SteerVectors();
        var dtype = CliOptions.Dtype();
        var paperFinalNorm = PaperFinalNorm.Option();
        var sae = new SaeSteeringOptions();
        var command = new Command("logits", "Print a JSON array with one array of logits (float32, [vocab]) per input position")
        {
            model, ids, steer, dtype, paperFinalNorm,
        };
        foreach (var option in sae.All) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var tokenIds = ParseIds(parse.GetRequiredValue(ids));
            var vectors = SteerVector.ReadAll(parse.GetValue(steer));
            var saeSteering = sae.Read(parse);
            using var loaded = ModelLoading.Load(parse.GetRequiredValue(model), CliOptions.ScalarTypeOf(parse.GetRequiredValue(dtype)));
            CheckVocabulary(tokenIds, loaded.Config.VocabularySize);
            PaperFinalNorm.Apply(loaded, parse.GetValue(paperFinalNorm), "--paper-final-norm");
            var hooks = SteerVector.Hooks(vectors, loaded.Config);
            IDisposable? owned = null;
            if (saeSteering is not null) (hooks, owned) = saeSteering.AddTo(hooks, loaded);
            float[][] logits;
            using (owned) logits = loaded.Logits(tokenIds, hooks);
            JsonNumbers.WriteRows(output, logits);
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

    private static void CheckVocabulary(IReadOnlyList<int> ids, int vocabularySize)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] >= vocabularySize)
                throw new EsrInputException($"--ids entry {i + 1} ({ids[i]}) is outside the model's vocabulary [0, {vocabularySize})");
        }
    }
}
