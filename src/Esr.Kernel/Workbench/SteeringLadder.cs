using System.Globalization;
using Microsoft.Data.Analysis;

namespace Esr.Kernel;

/// <summary>One prompt generated at several boosts of one latent, with the same seed.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Latent">The boosted latent.</param>
/// <param name="Rungs">One completion per boost, in the order given.</param>
public sealed record SteeringLadder(string Prompt, int Latent, IReadOnlyList<LadderRung> Rungs)
{
    /// <summary>One row per boost: <c>boost</c>, <c>steering</c>, <c>text</c>, <c>tokens</c>, <c>finish_reason</c>.</summary>
    public DataFrame ToDataFrame() =>
        CompletionFrame.Of(Rungs.Select(rung => (rung.Boost.ToString("R", CultureInfo.InvariantCulture), rung.Completion)).ToArray(), "boost");

    /// <summary>One line per boost.</summary>
    public override string ToString() =>
        string.Join('\n', Rungs.Select(rung => $"{rung.Boost.ToString("R", CultureInfo.InvariantCulture)}: {rung.Completion.Text}"));
}
