using System.Globalization;
using Esr.Kernel.Hooks;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>The quirk options of ESR_SPEC §11 a run used, by name, as its manifest records them.</summary>
public static class RunQuirks
{
    /// <summary>The quirks of a run with these settings.</summary>
    public static IReadOnlyDictionary<string, string> Of(ExperimentSettings settings, int runSeed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var quirks = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["llama_final_norm"] = settings.PaperFinalNorm
                ? "on (quirk 6: the final norm reads the last block's output plus its post-attention residual again, as the fork's Llama)"
                : "off",
            ["sae_site"] = settings.SaeSite == HookPoint.MlpOut
                ? $"{HookPoint.MlpOut} (quirk 5: the SAE reads, steers and clamps the Gemma-2 MLP branch, as the fork)"
                : settings.SaeSite,
            ["llama_extra_assistant_header"] = settings.PaperExtraAssistantHeader ? "on (quirk 4: second BOS + assistant header appended on Llama)" : "off",
            ["repetition_penalty"] = $"{N(settings.RepetitionPenalty)} (quirk 3: shipped code 1.2 for 70B, 1.15 for 8B, 1.1 otherwise; paper text 1.1)",
            ["relevance_filter"] = settings.RelevanceFilter switch
            {
                RelevanceRule.AllZero => "all_zero (quirk 8: the code's rule)",
                RelevanceRule.Top100 => "top100 (quirk 8: the paper notes' rule)",
                _ => "none",
            },
            ["calibration_max_tokens"] = $"{settings.CalibrationMaxTokens} (quirk 14: trials use {settings.MaxNewTokens})",
            ["calibration_empty_retries"] = $"fails after {settings.Calibration.MaxEmptyRetries} empty judgements in a row (quirk 14: the original looped forever)",
            ["threshold_cache_reuse"] = "any cached threshold is reused whatever settings produced it (§4)",
            ["steering_block"] = settings.SteeringBlock.ToString(CultureInfo.InvariantCulture) + " (quirk 2 for Llama-3.1-8B: fork 12, paper 19)",
            ["seeded_rng"] = $"run seed {runSeed}: every choice derives from it (quirk 15: the original was unseeded)",
        };
        if (settings.BoostLevelCount is { } levels)
            quirks["boost_levels"] = $"{levels} global levels, mean ± {N(settings.BoostRangeStd)} population SD of the whole cache, clamped at 0 (quirk 9)";
        if (settings.AblateLatents.Count > 0 && settings.RandomAblationSets == 0)
            quirks["ablation_block"] = $"{settings.AblateLatents.Count} detectors zero-clamped at the steering block {settings.SteeringBlock} (quirk 7)";
        if (settings.RandomAblationSets > 0)
            quirks["random_ablation_sets"] = settings.RandomAblationMatchedTo is { } matched
                ? $"{settings.RandomAblationSets} sets matched to the detectors' firing rates over {matched} (the paper's stated control; quirk 13: its code's sets are uniform)"
                : $"{settings.RandomAblationSets} sets, uniform excluding the detectors (quirk 13: not matched), " + RandomSetsSource(settings);
        if (settings.NoSteering) quirks["no_steering"] = "no intervention, threshold recorded as 0, the latent label still shown to the judge";
        return quirks;
    }

    private static string RandomSetsSource(ExperimentSettings settings) => (settings.RandomAblationLatents, settings.RandomAblationSetsFile) switch
    {
        (null, _) => $"drawn by .NET's Random seeded {settings.RandomAblationBaseSeed}+i (standing in for Python's: not the paper's sets)",
        (_, { } file) => $"read from {file} (the paper's sets: CPython random.seed(42 + i), random.sample)",
        _ => "given in the config (random_ablation_latents)",
    };
}
