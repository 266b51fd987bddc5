using Esr.Kernel.Results;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>
/// Builds the plan of a steering experiment (ESR_SPEC §6: 1, 2, 3 part B, 4, 5, 8 and 10) from the settings, the run
/// seed and the source trials: which latents, with which prompts, replaying which seeds, ablating what. How it uses a
/// source and names its condition is the experiment's <see cref="SteeringProtocol"/>.
/// </summary>
public static class ExperimentPlanner
{
    /// <summary>Builds the plan.</summary>
    /// <exception cref="ArgumentException">The experiment needs <c>--from-results</c> and has none, or it has no latents.</exception>
    public static async Task<RunPlan> PlanAsync(ExperimentSettings settings, PlanInputs inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(inputs);
        var protocol = SteeringProtocols.Get(settings.Experiment);
        if (protocol.NeedsSource && inputs.Source is null)
            throw new ArgumentException($"experiment {settings.Experiment} needs --from-results (a run folder or a paper result file)");
        var replay = settings.ReplaySourceTrials && inputs.Source is not null;
        var source = inputs.Source is null
            ? null
            : SourceLatents(inputs.Source, requireThreshold: replay || protocol.NeedsSourceThresholds, dropErroredTrials: !protocol.KeepsErroredSourceTrials);
        IReadOnlyList<int> latents = source is not null
            ? source.Select(s => s.Latent).ToArray()
            : await (inputs.SelectLatents ?? throw new ArgumentException("a run without --from-results needs latent selection"))
                (RunSeeds.Random(inputs.RunSeed, "latents"), cancellationToken).ConfigureAwait(false);
        if (latents.Count == 0) throw new ArgumentException("the plan has no latents (selection kept none, or the source has no usable latent)");
        // Two plans of one latent would store two trials under each key.
        if (latents.GroupBy(latent => latent).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"latents: latent {twice.Key} is listed twice; each latent is steered once");
        var bySource = source?.ToDictionary(s => s.Latent);

        IReadOnlyList<PlannedPrompt> Prompts(int latent)
        {
            if (bySource is not null && replay)
                return bySource[latent].Trials.Select(t => new PlannedPrompt(t.BasePrompt ?? t.Prompt, ReplaySeed: t.Seed)).ToArray();
            if (bySource is not null && protocol.ReusesSourcePrompts && !settings.FreshPrompts)
                return bySource[latent].Trials.Select(t => new PlannedPrompt(t.BasePrompt ?? t.Prompt)).ToArray();
            return RunSeeds.Sample(inputs.Prompts, Math.Min(settings.TrialsPerFeature, inputs.Prompts.Count), RunSeeds.Random(inputs.RunSeed, $"prompts|{latent}"))
                .Select(p => new PlannedPrompt(p)).ToArray();
        }
        string Label(int latent) => bySource?[latent].Label ?? inputs.Label(latent);
        double? Threshold(int latent) => bySource?[latent].Threshold;

        var plans = new List<LatentPlan>();
        if (settings.PromptVariants.Count > 0)
        {
            foreach (var variant in settings.PromptVariants)
                foreach (var latent in latents)
                {
                    var label = Label(latent);
                    var named = inputs.PromptLabel?.Invoke(label) ?? label;
                    var prompts = Prompts(latent).Select(p => new PlannedPrompt(variant.Render(p.Prompt, named), p.Prompt)).ToArray();
                    plans.Add(new LatentPlan(variant.Id, latent, label, prompts, Threshold(latent), settings.AblateLatents));
                }
        }
        else if (settings.RandomAblationSets > 0)
        {
            // Matched sets are named apart, so their trials never pool with the paper's uniform control.
            var condition = settings.RandomAblationMatchedTo is null ? "random_ablation_set" : "matched_random_ablation_set";
            for (var set = 0; set < settings.RandomAblationSets; set++)
            {
                var ablated = RandomAblationSet(settings, set);
                foreach (var latent in latents)
                    plans.Add(new LatentPlan($"{condition}{set}", latent, Label(latent), Prompts(latent), Threshold(latent), ablated));
            }
        }
        else
        {
            foreach (var latent in latents)
                plans.Add(new LatentPlan(protocol.Condition, latent, Label(latent), Prompts(latent), Threshold(latent), settings.AblateLatents));
        }
        return new RunPlan(plans);
    }

    /// <summary>
    /// Exp 10's set i: entry i of <see cref="ExperimentSettings.RandomAblationLatents"/> when the sets are given (the
    /// paper's, <see cref="RandomControlSets"/>); otherwise as many distinct latents as
    /// <see cref="ExperimentSettings.AblateLatents"/> holds, uniform over the SAE's latents excluding those detectors,
    /// from an RNG seeded with base + i (each set its own RNG, as the original; .NET's seeded <see cref="Random"/>
    /// stands in for Python's, so these sets differ from the paper's).
    /// </summary>
    public static IReadOnlyList<int> RandomAblationSet(ExperimentSettings settings, int set)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.RandomAblationLatents is { } given)
        {
            return set < given.Count
                ? given[set]
                : throw new ArgumentException($"random_ablation_latents holds {given.Count} sets; set {set} is wanted (random_ablation_sets {settings.RandomAblationSets})");
        }
        if (settings.AblateLatents.Count == 0) throw new ArgumentException("random ablation sets need the detector list (ablate_latents) for their size and exclusions");
        if (settings.SaeWidth <= settings.AblateLatents.Count) throw new ArgumentException($"sae_width {settings.SaeWidth} leaves no latents to draw from");
        var excluded = settings.AblateLatents.ToHashSet();
        var pool = Enumerable.Range(0, settings.SaeWidth).Where(latent => !excluded.Contains(latent)).ToArray();
        return RunSeeds.Sample(pool, settings.AblateLatents.Count, new Random(settings.RandomAblationBaseSeed + set));
    }

    private sealed record SourceLatent(int Latent, string Label, double? Threshold, IReadOnlyList<TrialRecord> Trials);

    // Latents of the source in first-appearance order; latents with an error are dropped, and so, when asked, are trials
    // with one. A latent's trials go in their run's plan order (a run stores them as they finish, so two runs of the same
    // trials may list them differently), else as listed (a paper file has no run keys).
    private static IReadOnlyList<SourceLatent> SourceLatents(IReadOnlyList<TrialRecord> source, bool requireThreshold, bool dropErroredTrials) =>
        source.GroupBy(r => r.Latent)
            .Where(g => g.All(r => r.LatentError is null))
            .Select(g => new SourceLatent(g.Key, g.First().LatentLabel, g.First().Threshold,
                g.OrderBy(r => RunPlan.PromptIndexOf(r.Key)).Where(r => !dropErroredTrials || r.Error is null).ToArray()))
            .Where(s => s.Trials.Count > 0 && (!requireThreshold || s.Threshold is not null))
            .ToArray();
}
