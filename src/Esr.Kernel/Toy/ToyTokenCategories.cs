namespace Esr.Kernel.Toy;

/// <summary>
/// What the toy world knows about each vocabulary word: which tasks, subjects, markers and templates use it. The
/// trainer labels SAE latents with it (a latent that fires on one subject's words is that subject's latent).
/// </summary>
public sealed class ToyTokenCategories
{
    private readonly Dictionary<string, ToyWordInfo> _byWord;

    /// <summary>Indexes a world's vocabulary.</summary>
    public ToyTokenCategories(ToyWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var tasks = Occurrences(world.Tasks.Select(t => (t.Id, t.Steps.Concat(t.Suffixes).Append(t.Name))));
        var subjects = Occurrences(world.Subjects.Select(s => (s.Id, s.Sentences.Append(s.Name))));
        var markers = WordsOf(world.Markers);
        var templates = WordsOf(world.TaskTemplates.Concat(world.SubjectTemplates).Select(t => t.Replace("{0}", " ")));
        // Step sentences add "," after the connector and a final ".": words every task answer has.
        var shared = WordsOf(world.Connectors.Concat(world.CommonSuffixes).Append(ToyWorld.StepSentence("", "", "")));
        var roles = WordsOf(world.ChatRoles);
        _byWord = world.Vocabulary.ToDictionary(word => word, word => new ToyWordInfo(word,
            tasks.GetValueOrDefault(word, []), subjects.GetValueOrDefault(word, []), markers.Contains(word),
            templates.Contains(word), shared.Contains(word), roles.Contains(word)), StringComparer.Ordinal);
        Words = world.Vocabulary;
    }

    /// <summary>The vocabulary, in ordinal order (the tokenizer's order after its special tokens).</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>What is known about a word, or null for a token that is not a world word (a special token).</summary>
    public ToyWordInfo? Find(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return _byWord.GetValueOrDefault(word);
    }

    private static HashSet<string> WordsOf(IEnumerable<string> texts) =>
        texts.SelectMany(ToyWorld.Words).ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, IReadOnlyList<int>> Occurrences(IEnumerable<(int Id, IEnumerable<string> Texts)> owners) =>
        owners.SelectMany(o => WordsOf(o.Texts).Select(word => (word, o.Id)))
            .GroupBy(p => p.word, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.Select(p => p.Id).Order().ToArray(),
                StringComparer.Ordinal);
}
