using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Tests.Experiments.Readouts;

/// <summary>Trial records for the readout experiments' tests.</summary>
internal static class Trials
{
    public static TrialRecord Make(
        int latent, int seed, JudgeVerdict? verdict, string model = "m", string? file = null, string response = "some response",
        string prompt = "Explain how to tie a knot.", string? error = null) =>
        new($"{file}|{seed}|{latent}", 1, model, "steered", latent, $"label {latent}", prompt, 5.0, 5.0, seed, response, verdict, error)
        {
            SourceFile = file,
            Judge = "claude-haiku-4-5-20251001",
        };
}
