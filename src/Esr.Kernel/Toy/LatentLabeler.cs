using System.Globalization;
using System.Text;
using Esr.Kernel.Models;
using Esr.Kernel.Text;

namespace Esr.Kernel.Toy;

/// <summary>One latent's label: the token category holding the largest share of its activation mass.</summary>
/// <param name="Latent">Index in the SAE.</param>
/// <param name="Label">The category, e.g. "subject:volcanoes", "task:bake bread", "marker", "shared".</param>
/// <param name="Purity">That category's share of the latent's total activation (0 when it never fires).</param>
/// <param name="Mass">The latent's total activation over the labelling tokens.</param>
public sealed record LatentLabel(int Latent, string Label, double Purity, double Mass);

/// <summary>Labels SAE latents by what the toy world knows about the tokens they fire on.</summary>
public static class LatentLabeler
{
    /// <summary>The label of a latent that never fired.</summary>
    public const string Dead = "dead";

    /// <summary>
    /// The category of every token of an encoded episode (aligned with <see cref="ToyExampleEncoder.Encode"/>'s ids):
    /// answer tokens take their sentence's category (the subject of a subject sentence, the task of a step, marker);
    /// prompt and header tokens take the prompt's topic (its subject or task) from the first word that belongs to that
    /// topic only (<paramref name="words"/>) on, and "prompt" before it; the closing end-of-turn is "special".
    /// </summary>
    public static string[] Categories(ToyWorld world, ToyTokenCategories words, TextTokenizer tokenizer, ChatTemplate template, ToyEpisode episode)
    {
        var categories = new List<string>();
        string? topic = null;
        foreach (var id in template.PromptIds(tokenizer, episode.Prompt))
        {
            var word = tokenizer.IdToToken(id) is { } token ? words.Find(token) : null;
            var category = CategoryOf(world, word);
            // From the first word that names the prompt's topic on, the model knows what the answer is about.
            if (category.StartsWith("subject:", StringComparison.Ordinal) || category.StartsWith("task:", StringComparison.Ordinal)) topic ??= category;
            categories.Add(topic ?? "prompt");
        }
        foreach (var segment in episode.Segments)
        {
            var category = segment.Kind switch
            {
                ToySegmentKind.Subject when episode.Subject is { } subject => $"subject:{world.Subjects[subject].Name}",
                ToySegmentKind.OnTask when episode.Task is { } task => $"task:{world.Tasks[task].Name}",
                ToySegmentKind.Marker => "marker",
                _ => "mixed",
            };
            categories.AddRange(Enumerable.Repeat(category, tokenizer.Encode(segment.Text).Length));
        }
        var ids = ToyExampleEncoder.Encode(tokenizer, template, episode).Ids;
        categories.AddRange(Enumerable.Repeat("special", ids.Length - categories.Count));
        return categories.ToArray();
    }

    /// <summary>The category of a word: subject, task or marker when the world's word belongs only there.</summary>
    public static string CategoryOf(ToyWorld world, ToyWordInfo? word) => word switch
    {
        null => "special",
        { OnlySubject: { } subject } => $"subject:{world.Subjects[subject].Name}",
        { OnlyTask: { } task } => $"task:{world.Tasks[task].Name}",
        { OnlyMarker: true } => "marker",
        { Role: true } => "role",
        { Template: true } => "template",
        { Shared: true } => "shared",
        _ => "mixed",
    };

    /// <summary>Writes the labels CSV <see cref="Saes.LatentLabels"/> reads (index_in_sae,label,purity,mass), atomically.</summary>
    public static void Save(string path, IReadOnlyList<LatentLabel> labels)
    {
        var text = new StringBuilder("index_in_sae,label,purity,mass\n");
        foreach (var label in labels)
            text.Append(CultureInfo.InvariantCulture, $"{label.Latent},\"{label.Label.Replace("\"", "\"\"")}\",{label.Purity:F4},{label.Mass:G6}\n");
        AtomicFile.Write(path, temporary => File.WriteAllText(temporary, text.ToString()));
    }

    /// <summary>
    /// Per subject name, the latent labelled with it that carries the most activation mass among those of purity at
    /// least <paramref name="minimumPurity"/>; subjects without such a latent are absent.
    /// </summary>
    public static IReadOnlyDictionary<string, LatentLabel> SubjectLatents(IReadOnlyList<LatentLabel> labels, double minimumPurity = 0.5) =>
        labels.Where(label => label.Label.StartsWith("subject:", StringComparison.Ordinal) && label.Purity >= minimumPurity)
            .GroupBy(label => label.Label["subject:".Length..])
            .ToDictionary(group => group.Key, group => group.MaxBy(label => label.Mass)!);
}
