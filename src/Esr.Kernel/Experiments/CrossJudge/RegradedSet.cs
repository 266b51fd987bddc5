namespace Esr.Kernel.Experiments.CrossJudge;

/// <summary>Every sampled trial regraded by one judge.</summary>
/// <param name="Alias">The judge's alias.</param>
/// <param name="ModelId">The judge's name (model id).</param>
/// <param name="Results">One entry per sampled trial, in sample order.</param>
public sealed record RegradedSet(string Alias, string ModelId, IReadOnlyList<RegradedTrial> Results)
{
    /// <summary>New grades that failed (call or parse error).</summary>
    public int Errors => Results.Count(r => r.NewGrade.Error is not null);
}
