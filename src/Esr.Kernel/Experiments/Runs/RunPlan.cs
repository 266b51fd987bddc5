using System.Globalization;
using System.Text.RegularExpressions;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// A run's whole plan, before sharding: the latents in order and, for a boost sweep, the global levels. Every part
/// derives from the run seed and the inputs, so it is the same on every start, resume and shard.
/// </summary>
/// <param name="Latents">Per-latent plans, in run order.</param>
/// <param name="BoostLevels">Global boost levels (Exp 2), null when each latent uses its threshold.</param>
public sealed partial record RunPlan(IReadOnlyList<LatentPlan> Latents, IReadOnlyList<double>? BoostLevels = null)
{
    /// <summary>The distinct latents in run order; shards split this list.</summary>
    public IReadOnlyList<int> DistinctLatents => Latents.Select(plan => plan.Latent).Distinct().ToArray();

    /// <summary>The plans of shard <paramref name="shard"/>: all conditions of every n-th distinct latent.</summary>
    public RunPlan Shard(ShardSpec? shard)
    {
        if (shard is null) return this;
        var mine = DistinctLatents.Where((_, index) => index % shard.Count == shard.Index).ToHashSet();
        return this with { Latents = Latents.Where(plan => mine.Contains(plan.Latent)).ToArray() };
    }

    /// <summary>
    /// A trial key's place in its latent's plan, (prompt, boost level) as <see cref="Trials"/> numbers them; keys of
    /// another form (a paper file's) all share the last place, so a stable sort keeps them as listed.
    /// </summary>
    public static (int Prompt, int Level) PromptIndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var match = RunKey().Match(key);
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0)
            : (int.MaxValue, int.MaxValue);
    }

    [GeneratedRegex(@"^[^|]*\|\d+\|p(\d+)(?:\|b(\d+))?$")]
    private static partial Regex RunKey();

    /// <summary>Every trial the plan makes, keyed, in run order.</summary>
    public IEnumerable<PlannedTrial> Trials(int runSeed)
    {
        foreach (var latent in Latents)
        {
            for (var p = 0; p < latent.Prompts.Count; p++)
            {
                var levels = BoostLevels?.Count ?? 1;
                for (var level = 0; level < levels; level++)
                {
                    var key = BoostLevels is null ? $"{latent.Condition}|{latent.Latent}|p{p}" : $"{latent.Condition}|{latent.Latent}|p{p}|b{level}";
                    var prompt = latent.Prompts[p];
                    yield return new PlannedTrial(key, latent, prompt, BoostLevels?[level], prompt.ReplaySeed ?? RunSeeds.Derive(runSeed, "trial|" + key));
                }
            }
        }
    }
}

/// <summary>One trial to make.</summary>
/// <param name="Key">Its key in the run.</param>
/// <param name="Latent">Its latent's plan.</param>
/// <param name="Prompt">Its prompt.</param>
/// <param name="BoostLevel">The sweep level, null when the boost is the latent's threshold.</param>
/// <param name="Seed">Its sampling seed.</param>
public sealed record PlannedTrial(string Key, LatentPlan Latent, PlannedPrompt Prompt, double? BoostLevel, int Seed);
