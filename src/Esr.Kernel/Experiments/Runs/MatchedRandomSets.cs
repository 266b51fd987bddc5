using System.Text.Json.Nodes;
using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Experiment 10's random sets matched to the detectors' activation statistics, as the paper describes its control
/// (ESR_SPEC §6 Exp 10 [DISCREPANCY]: its code draws uniformly). Each detector, in list order, gets a stand-in drawn
/// uniformly from the <see cref="Neighbours"/> unused non-detector latents whose firing rate is nearest its own (ties
/// to the lower latent), so a set fires about as often as the detectors. No latent is in two sets (as the paper's
/// earlier runner drew them): nearest-rate draws would otherwise keep picking the same latents, and three sets are
/// meant as three samples. Set i's RNG is seeded with base + i.
/// </summary>
public static class MatchedRandomSets
{
    /// <summary>How many nearest latents a detector's stand-in is drawn from: few enough to match, enough to vary between sets.</summary>
    public const int Neighbours = 10;

    /// <summary>Draws <paramref name="sets"/> disjoint sets, each as large as <paramref name="detectors"/>, none holding a detector.</summary>
    /// <param name="firingRates">Every latent's firing rate (<see cref="LatentFiringRates"/>), in latent order.</param>
    /// <param name="detectors">The detectors to match, each inside the rates.</param>
    /// <param name="sets">How many sets.</param>
    /// <param name="baseSeed">Set i's RNG seed is this + i.</param>
    /// <exception cref="ArgumentException">A detector is outside the rates, or too few latents are left to draw from.</exception>
    public static IReadOnlyList<IReadOnlyList<int>> Draw(IReadOnlyList<double> firingRates, IReadOnlyList<int> detectors, int sets, int baseSeed)
    {
        ArgumentNullException.ThrowIfNull(firingRates);
        ArgumentNullException.ThrowIfNull(detectors);
        var outside = detectors.FirstOrDefault(d => d < 0 || d >= firingRates.Count, -1);
        if (outside >= 0) throw new ArgumentException($"detector {outside} is outside the SAE's {firingRates.Count} latents", nameof(detectors));
        if (firingRates.Count - detectors.Distinct().Count() < sets * detectors.Count)
            throw new ArgumentException($"{firingRates.Count} latents leave too few non-detectors for {sets} disjoint sets of {detectors.Count}", nameof(detectors));
        var used = detectors.ToHashSet();
        return Enumerable.Range(0, sets).Select(set => Set(firingRates, detectors, used, new Random(baseSeed + set))).ToArray();
    }

    /// <summary>The file a matched run writes beside its trials: <see cref="Report"/>.</summary>
    public const string ReportFile = "random_set_matching.json";

    /// <summary>
    /// What the matching achieved, to check it by: the source, each detector's and each set latent's firing rate, and
    /// the mean rate of the detectors and of each set (as fractions of tokens).
    /// </summary>
    public static JsonObject Report(string matchedTo, IReadOnlyList<double> firingRates, IReadOnlyList<int> detectors, IReadOnlyList<IReadOnlyList<int>> sets)
    {
        ArgumentNullException.ThrowIfNull(firingRates);
        ArgumentNullException.ThrowIfNull(sets);
        JsonArray Latents(IReadOnlyList<int> latents) =>
            new(latents.Select(l => (JsonNode)new JsonObject { ["latent"] = l, ["firing_rate"] = firingRates[l] }).ToArray());
        double Mean(IReadOnlyList<int> latents) => latents.Average(l => firingRates[l]);
        return new JsonObject
        {
            ["matched_to"] = matchedTo,
            ["neighbours"] = Neighbours,
            ["detectors_mean_firing_rate"] = Mean(detectors),
            ["sets_mean_firing_rate"] = JsonResultFile.Numbers(sets.Select(Mean)),
            ["detectors"] = Latents(detectors),
            ["sets"] = new JsonArray(sets.Select(set => (JsonNode)Latents(set)).ToArray()),
        };
    }

    // Adds the set's latents to used.
    private static IReadOnlyList<int> Set(IReadOnlyList<double> rates, IReadOnlyList<int> detectors, HashSet<int> used, Random random)
    {
        var set = new List<int>(detectors.Count);
        foreach (var detector in detectors)
        {
            var nearest = Enumerable.Range(0, rates.Count).Where(latent => !used.Contains(latent))
                .OrderBy(latent => Math.Abs(rates[latent] - rates[detector])).ThenBy(latent => latent).Take(Neighbours).ToArray();
            var chosen = nearest[random.Next(nearest.Length)];
            used.Add(chosen);
            set.Add(chosen);
        }
        return set;
    }
}
