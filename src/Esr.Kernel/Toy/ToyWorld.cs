namespace Esr.Kernel.Toy;

/// <summary>
/// The toy world's content as data: "explain how" tasks whose answers are step sentences, off-topic subjects with
/// their own sentences, self-correction markers, and the prompt templates that ask for each. Every sentence ends
/// with "." and belongs to exactly one task, subject or marker, which is what makes <see cref="ToyJudge"/> exact.
/// </summary>
/// <remarks>
/// A task sentence is <c>"{connector}, {step}[ {suffix}]."</c>: connectors depend on the sentence's place in the
/// answer (<see cref="FirstConnectors"/>, <see cref="MiddleConnectors"/>, <see cref="LastConnectors"/>), suffixes
/// are the task's own or <see cref="CommonSuffixes"/>, or none. The text is ASCII letters, digits, spaces and
/// ". , ?" only; words are runs of letters and digits, and each punctuation mark is a word of its own
/// (<see cref="Words"/>), as the tokenizer splits them.
/// </remarks>
public sealed class ToyWorld
{
    private readonly Lazy<IReadOnlyDictionary<string, ToyWorldSentence>> _sentencesByKey;
    private readonly Lazy<string[]> _sortedKeys;
    private readonly Lazy<IReadOnlyList<string>> _vocabulary;

    internal ToyWorld(IReadOnlyList<ToyTask> tasks, IReadOnlyList<ToySubject> subjects,
        IReadOnlyList<int> heldOutSubjects, IReadOnlyList<string> markers, IReadOnlyList<string> taskTemplates,
        IReadOnlyList<string> subjectTemplates, IReadOnlyList<string> firstConnectors,
        IReadOnlyList<string> middleConnectors, IReadOnlyList<string> lastConnectors,
        IReadOnlyList<string> commonSuffixes, string source)
    {
        Tasks = tasks;
        Subjects = subjects;
        HeldOutSubjects = heldOutSubjects;
        Markers = markers;
        TaskTemplates = taskTemplates;
        SubjectTemplates = subjectTemplates;
        FirstConnectors = firstConnectors;
        MiddleConnectors = middleConnectors;
        LastConnectors = lastConnectors;
        CommonSuffixes = commonSuffixes;
        _sentencesByKey = new(() => IndexSentences(source));
        _sortedKeys = new(() => _sentencesByKey.Value.Keys.Order(StringComparer.Ordinal).ToArray());
        _vocabulary = new(CollectVocabulary);
    }

    /// <summary>The world the workbench ships (read from the embedded ToyWorld.txt).</summary>
    public static ToyWorld Default { get; } = ToyWorldFile.ReadEmbedded();

    /// <summary>The "explain how" tasks.</summary>
    public IReadOnlyList<ToyTask> Tasks { get; }

    /// <summary>The off-topic subjects.</summary>
    public IReadOnlyList<ToySubject> Subjects { get; }

    /// <summary>
    /// Ids of the subjects kept out of self-correction episodes, to test whether a learned corrector generalises to
    /// subjects it never corrected.
    /// </summary>
    public IReadOnlyList<int> HeldOutSubjects { get; }

    /// <summary>The self-correction markers, each one sentence ("Wait, that is not right.").</summary>
    public IReadOnlyList<string> Markers { get; }

    /// <summary>Prompt templates for tasks; "{0}" is the task's name.</summary>
    public IReadOnlyList<string> TaskTemplates { get; }

    /// <summary>Prompt templates for subjects ("Tell me about {0}.").</summary>
    public IReadOnlyList<string> SubjectTemplates { get; }

    /// <summary>Connectors that open an answer's first step sentence.</summary>
    public IReadOnlyList<string> FirstConnectors { get; }

    /// <summary>Connectors of the step sentences between the first and the last.</summary>
    public IReadOnlyList<string> MiddleConnectors { get; }

    /// <summary>Connectors that open an answer's last step sentence.</summary>
    public IReadOnlyList<string> LastConnectors { get; }

    /// <summary>Sentence endings every task may use.</summary>
    public IReadOnlyList<string> CommonSuffixes { get; }

    /// <summary>The chat roles the chat template writes into headers; part of the vocabulary.</summary>
    public IReadOnlyList<string> ChatRoles { get; } = ["system", "user", "assistant"];

    /// <summary>Every word of the world (sentences, prompts, markers, chat roles), in ordinal order.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary.Value;

    /// <summary>The endings a task's sentences may have: none (""), the common ones, then the task's own.</summary>
    public IReadOnlyList<string> SuffixesOf(ToyTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return ["", .. CommonSuffixes, .. task.Suffixes];
    }

    /// <summary>All connectors, first, middle and last.</summary>
    public IEnumerable<string> Connectors => FirstConnectors.Concat(MiddleConnectors).Concat(LastConnectors);

    /// <summary>A step sentence: <c>"{connector}, {step}[ {suffix}]."</c>.</summary>
    public static string StepSentence(string connector, string step, string suffix) =>
        suffix.Length == 0 ? $"{connector}, {step}." : $"{connector}, {step} {suffix}.";

    /// <summary>A task prompt from one of <see cref="TaskTemplates"/>.</summary>
    public string TaskPrompt(int task, int template) => string.Format(null, TaskTemplates[template], Tasks[task].Name);

    /// <summary>
    /// The world's counterpart of the paper's prompts.txt: one prompt per task, the templates taken in turn, so an
    /// experiment on a toy model draws from every task the way the paper draws from its 38 prompts.
    /// </summary>
    public IReadOnlyList<string> ExperimentPrompts() =>
        Tasks.Select(task => TaskPrompt(task.Id, task.Id % TaskTemplates.Count)).ToList();

    /// <summary>A subject prompt from one of <see cref="SubjectTemplates"/>.</summary>
    public string SubjectPrompt(int subject, int template) =>
        string.Format(null, SubjectTemplates[template], Subjects[subject].Name);

    /// <summary>Every sentence the world can produce: all step sentences of all tasks, subjects' sentences, markers.</summary>
    public IEnumerable<ToyWorldSentence> AllSentences()
    {
        foreach (var task in Tasks)
        {
            var suffixes = SuffixesOf(task);
            for (var step = 0; step < task.Steps.Count; step++)
                foreach (var connector in Connectors)
                    foreach (var suffix in suffixes)
                        yield return new ToyWorldSentence(StepSentence(connector, task.Steps[step], suffix),
                            ToySentenceSource.Task, task.Id, step);
        }
        foreach (var subject in Subjects)
            foreach (var sentence in subject.Sentences)
                yield return new ToyWorldSentence(sentence, ToySentenceSource.Subject, subject.Id);
        for (var i = 0; i < Markers.Count; i++)
            yield return new ToyWorldSentence(Markers[i], ToySentenceSource.Marker, i);
    }

    /// <summary>
    /// The world sentence a text is, compared word by word (spacing does not matter), or null when the text is
    /// not a sentence of the world.
    /// </summary>
    /// <exception cref="InvalidDataException">On the first lookup, when the world's content gives one sentence to
    /// two owners (the message names both); the index of all sentences is built then, not when the world is read.</exception>
    public ToyWorldSentence? Find(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        return _sentencesByKey.Value.GetValueOrDefault(Key(sentence));
    }

    /// <summary>True when the text's words are the first words (not all) of some world sentence.</summary>
    public bool StartsSentence(string fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        var key = Key(fragment);
        if (key.Length == 0)
            return false;
        var prefix = key + " ";
        var keys = _sortedKeys.Value;
        var index = Array.BinarySearch(keys, prefix, StringComparer.Ordinal);
        if (index < 0)
            index = ~index;
        return index < keys.Length && keys[index].StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>The words of a text as the toy tokenizer splits world text: letter-digit runs and single punctuation
    /// marks.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var start = -1; // where the current letter-digit run began
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                if (start < 0)
                    start = i;
                continue;
            }
            if (start >= 0)
            {
                words.Add(text[start..i]);
                start = -1;
            }
            if (!char.IsWhiteSpace(c))
                words.Add(c.ToString());
        }
        return words;
    }

    /// <summary>A text's words joined by single spaces: the form sentences are compared in.</summary>
    internal static string Key(string text) => string.Join(' ', Words(text));

    private IReadOnlyDictionary<string, ToyWorldSentence> IndexSentences(string source)
    {
        var index = new Dictionary<string, ToyWorldSentence>(StringComparer.Ordinal);
        foreach (var sentence in AllSentences())
        {
            var key = Key(sentence.Text);
            if (!index.TryGetValue(key, out var earlier))
                index.Add(key, sentence);
            else if (earlier.Source != sentence.Source || earlier.Id != sentence.Id)
                throw new InvalidDataException(
                    $"{source}: the sentence \"{sentence.Text}\" belongs both to {Describe(earlier)} and to " +
                    $"{Describe(sentence)}; every sentence must belong to one task, subject or marker.");
        }
        return index;
    }

    private string Describe(ToyWorldSentence sentence) => sentence.Source switch
    {
        ToySentenceSource.Task => $"task \"{Tasks[sentence.Id].Name}\"",
        ToySentenceSource.Subject => $"subject \"{Subjects[sentence.Id].Name}\"",
        _ => $"marker {sentence.Id}",
    };

    private IReadOnlyList<string> CollectVocabulary()
    {
        // Step sentences add their "," and "." around steps; one sentence per step covers them.
        var texts = Tasks.SelectMany(t => t.Steps.Select(step => StepSentence(FirstConnectors[0], step, ""))
                .Concat(t.Suffixes).Concat(TaskTemplates.Select((_, i) => TaskPrompt(t.Id, i))))
            .Concat(Subjects.SelectMany(s => s.Sentences.Concat(SubjectTemplates.Select((_, i) => SubjectPrompt(s.Id, i)))))
            .Concat(Markers).Concat(Connectors).Concat(CommonSuffixes).Concat(ChatRoles);
        return texts.SelectMany(Words).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }
}
