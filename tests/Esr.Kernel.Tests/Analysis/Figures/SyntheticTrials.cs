using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Tests.Analysis.Figures;

/// <summary>Trial records with chosen scores for the figure tests.</summary>
internal static class SyntheticTrials
{
    public const string RepeatedWords = "dogs dogs dogs dogs dogs dogs";

    public static TrialRecord Trial(string model, params double[] scores) => Trial(model, "steered", scores);

    public static TrialRecord Trial(string model, string condition, double[] scores, double boost = 10, string? file = null, string response = "a fine answer", int ablated = 0) =>
        new(Guid.NewGuid().ToString("N"), 1, model, condition, 7, "label", "Explain how.", boost, boost, 1, response,
            new JudgeVerdict(scores.Select((s, i) => new Attempt($"attempt {i}", s)).ToList(), "{}", null), null)
        {
            SourceFile = file,
            AblatedLatents = Enumerable.Range(0, ablated).ToList(),
        };

    public static double Cell(Microsoft.Data.Analysis.DataFrame frame, string column, int row) => Convert.ToDouble(frame[column][row]);

    public static string Str(Microsoft.Data.Analysis.DataFrame frame, string column, int row) => (string)frame[column][row];
}
