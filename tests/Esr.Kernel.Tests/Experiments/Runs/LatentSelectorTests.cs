using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Saes;

namespace Esr.Kernel.Tests.Experiments.Runs;

public sealed class LatentSelectorTests
{
    // 40 rows; rows 0-9 have no label (placeholders), the others "concrete k" or "vague k".
    private static LatentLabels Labels()
    {
        var csv = "index_in_sae,label,status,notes,uuid\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i =>
            $"{i},{(i < 10 ? "" : i % 2 == 0 ? $"concrete {i}" : $"vague {i}")},,,"));
        return LatentLabels.Parse(new StringReader(csv), "labels.csv");
    }

    private static readonly ExperimentSettings Settings = new() { NFeatures = 4, MinConcreteness = 65 };

    [Fact]
    public async Task Candidates_are_three_times_n_distinct_rows_in_the_streams_order_when_no_filter_runs()
    {
        var chosen = await LatentSelector.SelectAsync(Settings, Labels(), new Random(3), null, null);

        Assert.Equal(RunSeeds.Sample(Enumerable.Range(0, 40).ToArray(), 12, new Random(3)).Take(4), chosen);
    }

    [Fact]
    public async Task The_concreteness_filter_drops_placeholders_and_low_scores_and_relevance_drops_the_rest_it_rejects()
    {
        var graded = new List<string>();
        ConcretenessGrading grade = (labels, _) =>
        {
            graded.AddRange(labels);
            return Task.FromResult<IReadOnlyDictionary<string, double>>(labels.ToDictionary(l => l, l => l.StartsWith("concrete") ? 80.0 : 10.0));
        };
        RelevanceCheck relevance = (candidates, _) => Task.FromResult<IReadOnlySet<int>>(candidates.Where(c => c % 4 == 0).ToHashSet());

        var chosen = await LatentSelector.SelectAsync(Settings, Labels(), new Random(5), grade, relevance);
        var candidates = RunSeeds.Sample(Enumerable.Range(0, 40).ToArray(), 12, new Random(5));

        Assert.DoesNotContain(graded, label => label.StartsWith("feature_"));
        Assert.Equal(candidates.Where(c => c >= 10 && c % 4 == 0).Take(4), chosen);
    }
}
