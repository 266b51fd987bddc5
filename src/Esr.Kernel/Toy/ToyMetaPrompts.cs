using Esr.Kernel.Experiments.Runs;

namespace Esr.Kernel.Toy;

/// <summary>
/// Experiment 5 in the toy world: the paper's four meta-prompts written in words the toy tokenizer knows
/// (<see cref="Variants"/>), and how a steering-aware fine-tune learns to respond to them. <see cref="Share"/> of its
/// corpus is task episodes whose prompt carries one of the templates, a quarter each; under <c>self_monitor</c> their
/// self-correction ratio is <see cref="SelfMonitorRatio"/> and their steered drift is learned with its return
/// (<see cref="LearnsSteeredDrift"/>); under the other three it is the fine-tune's own, and steered drift without a
/// return is learned under them as without a template (<see cref="OnDrift"/>), so they change nothing while after
/// <c>self_monitor</c> steered drift always ends in a restart. The response is put in by training: experiment 5 on such
/// a model shows the measurement, not the paper's discovery.
/// </summary>
/// <param name="Share">The share of a steering-aware fine-tune's episodes whose prompt carries a template, 0 to 1.</param>
/// <param name="SelfMonitorRatio">The self-correction share among <c>self_monitor</c> episodes (the fine-tune's own ratio where that is higher).</param>
public sealed record ToyMetaPrompts(double Share, double SelfMonitorRatio)
{
    /// <summary>The variant that asks the model to notice its drift and start over.</summary>
    public const string SelfMonitor = "self_monitor";

    /// <summary>
    /// The paper's four variants (ESR_SPEC §6, Exp 5) with their ids, in toy words: no apostrophe or "!", sentences
    /// that open with a capitalised word the world has, and no task or subject name besides <c>{latent_label}</c>.
    /// </summary>
    public static IReadOnlyList<PromptVariant> Variants { get; } =
    [
        new("dont_get_distracted", "{prompt} You must stay on topic."),
        new("ignore_latent_label", "{prompt} You are led toward {latent_label}, so ignore it."),
        new(SelfMonitor, "{prompt} Once you see that you are off topic, stop and start over."),
        new("resist_manipulation", "{prompt} You may feel a push from outside, so resist it."),
    ];

    /// <summary>
    /// A toy latent label as a meta-prompt names it: a subject category ("subject:volcanoes") is the subject's name,
    /// which the toy tokenizer knows; any other label stays as it is.
    /// </summary>
    public static string LabelText(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return label.StartsWith("subject:", StringComparison.Ordinal) ? label["subject:".Length..] : label;
    }

    /// <summary>
    /// The meta-prompted part of a steering-aware fine-tune's corpus of <paramref name="count"/> episodes:
    /// round(<see cref="Share"/> × count) task episodes (no subject answers: experiment 5 prompts are tasks), split
    /// evenly over <see cref="Variants"/>. A self-correction names the subject its drift is steered to, as experiment 5
    /// names the steered latent's label; a normal answer names a subject drawn at random.
    /// </summary>
    /// <param name="generator">The world's episode generator.</param>
    /// <param name="world">The world whose subject names fill <c>{latent_label}</c>.</param>
    /// <param name="count">The whole corpus's episode count.</param>
    /// <param name="ratio">The fine-tune's self-correction ratio.</param>
    /// <param name="seed">Seeds the episodes and the subjects drawn.</param>
    public IReadOnlyList<ToyEpisode> Episodes(ToyEpisodeGenerator generator, ToyWorld world, int count, double ratio, int seed)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(world);
        if (!(Share is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(Share), Share, "The meta-prompted share must be between 0 and 1.");
        var random = new Random(seed);
        var total = (int)Math.Round(Share * count);
        var episodes = new List<ToyEpisode>(total);
        for (var i = 0; i < Variants.Count; i++)
        {
            var variant = Variants[i];
            var corrections = variant.Id == SelfMonitor ? Math.Max(ratio, SelfMonitorRatio) : ratio;
            var variantCount = total / Variants.Count + (i < total % Variants.Count ? 1 : 0);
            foreach (var episode in generator.Generate(new ToyMixture(1 - corrections, 0, corrections, 0), variantCount, random.Next()))
            {
                var subject = episode.Subject ?? random.Next(world.Subjects.Count);
                episodes.Add(Rendered(episode, variant, world.Subjects[subject].Name));
            }
        }
        return episodes;
    }

    /// <summary>
    /// Steered coherent-drift episodes (drift without a return) with <see cref="Share"/> of them under one of the
    /// templates other than <c>self_monitor</c>, a third each: drift is learned under those templates as without one, and
    /// never under <c>self_monitor</c>, whose steered drift always ends in a restart.
    /// </summary>
    public IReadOnlyList<ToyEpisode> OnDrift(IReadOnlyList<ToyEpisode> episodes, ToyWorld world, int seed)
    {
        var random = new Random(seed);
        var others = Variants.Where(variant => variant.Id != SelfMonitor).ToArray();
        return episodes.Select(episode =>
        {
            if (random.NextDouble() >= Share || episode.Subject is not { } subject) return episode;
            return Rendered(episode, others[random.Next(others.Length)], world.Subjects[subject].Name);
        }).ToArray();
    }

    // The episode's prompt under the template, marked with the template's id (what LearnsSteeredDrift reads).
    private static ToyEpisode Rendered(ToyEpisode episode, PromptVariant variant, string subjectName) =>
        episode with { Prompt = variant.Render(episode.Prompt, subjectName), MetaPrompt = variant.Id };

    /// <summary>Whether a steered self-correction learns its drift as well as its return: under <c>self_monitor</c>, so that the template does not shield the answer from steering but makes it restart.</summary>
    public static bool LearnsSteeredDrift(ToyEpisode episode) => episode.MetaPrompt == SelfMonitor;
}
