using System.Globalization;
using Esr.Kernel;
using Esr.Kernel.Toy;

namespace Esr.Cli.Benchmarks;

/// <summary>Toy experiment 1 as the benchmarks run it: the toy prompts, the model's subject latents, the exact judge.</summary>
internal static class ToyExperimentOne
{
    /// <summary>Writes the toy prompts into a data folder under <paramref name="work"/> and returns that folder.</summary>
    public static string WriteData(string work)
    {
        var data = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
        File.WriteAllLines(Path.Combine(data, "prompts.txt"), ToyWorld.Default.ExperimentPrompts());
        return data;
    }

    /// <summary>The options of one run of <paramref name="model"/> into <paramref name="outFolder"/>.</summary>
    public static string[] Options(string model, string data, string outFolder, int trialsPerLatent, int maxTokens) =>
    [
        "--model", model, "--judge", "toy", "--latents", Path.Combine(ModelReference.Resolve(model).Directory, ToyZoo.SubjectLatentsFile),
        "--data-dir", data, "--out", outFolder,
        "--n-trials", trialsPerLatent.ToString(CultureInfo.InvariantCulture), "--max-tokens", maxTokens.ToString(CultureInfo.InvariantCulture),
        "--calibration-max-tokens", "24", "--calibration-steps", "3", "--relevance", "none", "--no-paper-extra-header",
    ];
}
