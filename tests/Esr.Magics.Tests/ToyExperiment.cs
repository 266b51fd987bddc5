using Esr.Kernel;
using Esr.Kernel.Toy;

namespace Esr.Magics.Tests;

/// <summary>
/// A tiny experiment 1 on the toy zoo: toy-s-sa60 with its subject latents, a data folder of the toy prompts, the
/// exact judge, a few tokens per answer. Deletes its folder when disposed.
/// </summary>
public sealed class ToyExperiment : IDisposable
{
    public ToyExperiment()
    {
        Data = Directory.CreateTempSubdirectory("esr-magic-experiment-").FullName;
        File.WriteAllLines(Path.Combine(Data, "prompts.txt"), ToyWorld.Default.ExperimentPrompts());
    }

    public string Data { get; }

    public string Run => Path.Combine(Data, "run");

    /// <summary>The options as tokens, <paramref name="trials"/> prompts per latent.</summary>
    public string[] Options(int trials) =>
    [
        "--model", "toy-s-sa60", "--judge", "toy",
        "--latents", Path.Combine(ModelReference.Resolve("toy-s-sa60").Directory, ToyZoo.SubjectLatentsFile),
        "--data-dir", Data, "--out", Run, "--n-trials", $"{trials}", "--max-tokens", "8", "--calibration-max-tokens", "8",
        "--calibration-steps", "2", "--relevance", "none", "--no-paper-extra-header", "--batch-size", "1",
    ];

    /// <summary>The <c>#!esr experiment 1</c> cell of <see cref="Options"/>, paths quoted.</summary>
    public string Cell(int trials, string extra = "") =>
        "#!esr experiment 1 " + string.Join(' ', Options(trials).Select(token => token.StartsWith('/') ? $"\"{token}\"" : token)) + " " + extra;

    public void Dispose() => Directory.Delete(Data, recursive: true);
}
