using Esr.Kernel.Results;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary>
/// Experiment-1 trials written from the toy world's sentences, so that the exact judge's labels and the token counts
/// of each side are known: two steered trials, one unsteered and one failed (the last two are not read).
/// </summary>
internal static class ToyDetectorTrials
{
    private static ToyWorld World => ToyWorld.Default;

    /// <summary>The two latents the steered trials steer.</summary>
    public static readonly int[] SteeredLatents = [3, 7];

    /// <summary>First-attempt tokens of the steered trials' off-topic sentences (subject and garbage).</summary>
    public static int OffTopicTokens => Tokens(Subject(0), Garbage, Subject(1));

    /// <summary>First-attempt tokens of the steered trials' on-task sentences.</summary>
    public static int OnTaskTokens => Tokens(Step(0, 0), Step(0, 1), Step(1, 0));

    /// <summary>The four trials.</summary>
    public static TrialRecord[] All() =>
    [
        // On task twice, a subject sentence and garbage, then a marker and a return whose tokens are not read.
        Trial("a", 0, SteeredLatents[0], 5, $"{Step(0, 0)} {Step(0, 1)} {Subject(0)} {Garbage} {World.Markers[0]} {Step(0, 2)}"),
        // Off topic first, then on task, then an answer cut off by the token limit (unfinished, not read).
        Trial("b", 1, SteeredLatents[1], 5, $"{Subject(1)} {Step(1, 0)} {Step(1, 1)[..Step(1, 1).IndexOf(',', StringComparison.Ordinal)]}"),
        Trial("c", 2, 11, 0, $"{Step(2, 0)} {Subject(2)}"),
        Trial("d", 3, 13, 5, $"{Step(3, 0)} {Subject(3)}") with { Error = "the generation failed" },
    ];

    // Subject 0's first sentence backwards: its words, but no sentence of the world.
    private static string Garbage => string.Join(' ', ToyWorld.Words(Subject(0)).SkipLast(1).Reverse()) + ".";

    private static string Step(int task, int step) => ToyWorld.StepSentence(World.FirstConnectors[0], World.Tasks[task].Steps[step], "");

    private static string Subject(int subject) => World.Subjects[subject].Sentences[0];

    private static int Tokens(params string[] sentences) => sentences.Sum(s => ToyWorld.Words(s).Count);

    private static TrialRecord Trial(string key, int task, int latent, double boost, string response) =>
        new(key, 1, "toy-s-sa60", "steered", latent, $"feature {latent}", World.TaskPrompt(task, 0), boost, boost, 1, response, null, null)
        {
            Judge = "toy-exact",
        };
}
