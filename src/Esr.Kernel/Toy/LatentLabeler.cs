using System.Globalization;
using System.Text;
using Esr.Kernel.Models;
using Esr.Kernel.Text;
using static TorchSharp.torch;

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

    /// <summary>Labels every latent from activations [tokens, d_sae] and the category of each token.</summary>
    public static IReadOnlyList<LatentLabel> Label(Tensor latentActivations, IReadOnlyList<string> tokenCategories)
    {
        if (latentActivations.shape[0] != tokenCategories.Count)
            throw new ArgumentException($"{latentActivations.shape[0]} activation rows but {tokenCategories.Count} token categories", nameof(tokenCategories));
        using var scope = NewDisposeScope();
        var (categories, mass) = MassByCategory(latentActivations, tokenCategories);
        var total = mass.sum([0L]).data<double>().ToArray();
        var best = mass.max(0);
        var top = best.values.data<double>().ToArray();
        var arg = best.indexes.data<long>().ToArray();
        return total.Select((sum, latent) => sum > 0
            ? new LatentLabel(latent, categories[arg[latent]], top[latent] / sum, sum)
            : new LatentLabel(latent, Dead, 0, 0)).ToArray();
    }

    /// <summary>
    /// For each category starting with <paramref name="prefix"/> (e.g. "subject:"), the latent that category picks:
    /// the one maximising mass_c · share_c, its activation mass on the category's tokens times the share of its whole
    /// mass that is there (strong and selective), with that share as its purity for the category.
    /// </summary>
    public static IReadOnlyDictionary<string, LatentLabel> BestLatents(Tensor latentActivations, IReadOnlyList<string> tokenCategories, string prefix)
    {
        using var scope = NewDisposeScope();
        var (categories, mass) = MassByCategory(latentActivations, tokenCategories);
        var total = mass.sum([0L]).clamp_min(Scalars.Tiny);
        var result = new Dictionary<string, LatentLabel>();
        for (var c = 0; c < categories.Length; c++)
        {
            if (!categories[c].StartsWith(prefix, StringComparison.Ordinal)) continue;
            var row = mass[c];
            var share = row.div(total);
            var latent = (int)row.mul(share).argmax().item<long>();
            result[categories[c][prefix.Length..]] = new LatentLabel(latent, categories[c], share[latent].item<double>(), row[latent].item<double>());
        }
        return result;
    }

    /// <summary>
    /// The sorted categories and mass[c, latent] = Σ over tokens of category c of the latent's activation (float64),
    /// <see cref="MassLatentsAtOnce"/> latents at a time: a float64 copy of a toy corpus's latents at once is gigabytes.
    /// </summary>
    private static (string[] Categories, Tensor Mass) MassByCategory(Tensor latentActivations, IReadOnlyList<string> tokenCategories)
    {
        if (latentActivations.shape[0] != tokenCategories.Count)
            throw new ArgumentException($"{latentActivations.shape[0]} activation rows but {tokenCategories.Count} token categories", nameof(tokenCategories));
        var categories = tokenCategories.Distinct().Order(StringComparer.Ordinal).ToArray();
        var indexOf = categories.Select((name, index) => (name, index)).ToDictionary(pair => pair.name, pair => (long)pair.index);
        var oneHot = zeros(categories.Length, tokenCategories.Count, ScalarType.Float64);
        var rows = tensor(tokenCategories.Select(category => indexOf[category]).ToArray());
        oneHot.scatter_(0, rows.unsqueeze(0), ones(1, tokenCategories.Count, ScalarType.Float64));
        var latents = latentActivations.shape[1];
        var mass = empty(categories.Length, latents, ScalarType.Float64);
        for (long start = 0; start < latents; start += MassLatentsAtOnce)
        {
            using var scope = NewDisposeScope();
            var width = Math.Min(MassLatentsAtOnce, latents - start);
            mass.narrow(1, start, width).copy_(oneHot.matmul(latentActivations.narrow(1, start, width).to_type(ScalarType.Float64)));
        }
        return (categories, mass);
    }

    /// <summary>
    /// Latents summed per pass of <see cref="MassByCategory"/>. Each mass is the same dot product over the tokens
    /// whatever the width (checked bit for bit against one pass over all 3,584 latents, and by the zoo rebuilding).
    /// </summary>
    private const long MassLatentsAtOnce = 256;

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
        var (ids, _) = ToyExampleEncoder.Encode(tokenizer, template, episode);
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
