using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Results;
using Plotly.NET;

namespace Esr.Kernel;

/// <summary>
/// A figure drawn from trial results (<see cref="FigureTrialReader"/>). It first keeps the trials it pools
/// (<see cref="Select"/>, ESR_SPEC §2.4), then hands them to its chart: its data builder and chart builder.
/// </summary>
/// <param name="id">The figure's id.</param>
/// <param name="title">What it shows.</param>
/// <param name="uses">The request fields it reads (results and models always).</param>
/// <param name="chart">Draws the selected trials.</param>
public sealed class TrialFigure(string id, string title, FigureRequestFields uses, Func<TrialFigureInput, GenericChart> chart)
    : FigureDefinition(id, title, uses | FigureRequestFields.Results | FigureRequestFields.Models)
{
    /// <summary>The one condition the figure pools (Figure 2's "steered"); null when its builder picks conditions itself.</summary>
    public string? Condition { get; init; }

    /// <summary>True when fine-tuned (<c>masked-ratio-&lt;pct&gt;pct</c>) models stay out, as in Figures 2, 4, A.2 and A.3.</summary>
    public bool ExcludesFineTuned { get; init; }

    /// <inheritdoc/>
    public override FigureInput Input => FigureInput.Trials;

    /// <summary>
    /// The trials the figure pools (ESR_SPEC §2.4): those of <paramref name="models"/> (empty: every model), of
    /// <see cref="Condition"/> when it has one, and of no fine-tuned model when <see cref="ExcludesFineTuned"/>.
    /// </summary>
    public IReadOnlyList<TrialRecord> Select(IEnumerable<TrialRecord> trials, IReadOnlyCollection<string> models)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(models);
        return trials.Where(t => (models.Count == 0 || models.Contains(t.Model))
            && (Condition is null || t.Condition == Condition)
            && !(ExcludesFineTuned && MaskedRatioFigure.RatioOf(t.Model) is not null)).ToList();
    }

    /// <inheritdoc/>
    public override GenericChart Draw(FigureRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sources = InputErrors.Convert(() => FigureTrialReader.ReadSources(request.Results, cancellationToken));
        var trials = sources.SelectMany(s => s.Trials).ToList();
        if (trials.Count == 0) throw new EsrInputException("--results holds no trial records");
        var selected = Select(trials, request.Models);
        if (selected.Count == 0)
            throw new EsrInputException($"--results holds no trials for figure {Id}{(request.Models.Count > 0 ? " and --model " + string.Join(", ", request.Models) : "")}");
        return chart(new TrialFigureInput(selected, sources, request));
    }
}
