using Esr.Kernel.Experiments.SequentialActivations;

namespace Esr.Kernel.Tests.Experiments.Readouts;

/// <summary>A small Exp-6 readout, written by the reader's tests and by those of <c>esr figure 6</c>.</summary>
internal static class SequentialReadouts
{
    /// <summary>Five tokens; distractor 7; detectors 1 (active), 2 (never above 0.001) and 3 (a latent of interest).</summary>
    public static SequentialActivationsResult Small() => new(
        new SequentialExample(7, "poses", "Explain.", 1, 3.5, "Stand. Wait, I made a mistake!"),
        ["<s>", "Ex", "plain", "Stand", "Wait"],
        new Dictionary<int, float[]>
        {
            [7] = [0, 1, 2, 3, 4], [1] = [0, 2, 0, 4, 0], [2] = [0, 0, 0, 0, 0], [3] = [0, 0, 0, 0, 8],
        },
        3, 4, -1,
        new SequentialActivationsOptions { OffTopicDetectors = [1, 2, 3], LatentsOfInterest = new Dictionary<int, string> { [3] = "backtracking" } });
}
