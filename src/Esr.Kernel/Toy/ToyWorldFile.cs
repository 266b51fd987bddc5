namespace Esr.Kernel.Toy;

/// <summary>
/// Reads the toy world's content file: one <c>key: text</c> entry a line, "|" between variants, "#" comments.
/// Global keys: first, middle, last, common-suffix, task-template, subject-template, marker, held-out. A
/// <c>task:</c> line opens a task, followed by its <c>step:</c> and <c>suffix:</c> lines; a <c>subject:</c> line
/// opens a subject, followed by its <c>sentence:</c> lines.
/// </summary>
internal static class ToyWorldFile
{
    public const string ResourceName = "Esr.Kernel.Toy.ToyWorld.txt";

    public static ToyWorld ReadEmbedded()
    {
        using var stream = typeof(ToyWorldFile).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), ResourceName);
    }

    /// <summary>Parses content; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">A line is malformed (the message names source, line and rule).</exception>
    public static ToyWorld Parse(string text, string source)
    {
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal)
        {
            ["first"] = [], ["middle"] = [], ["last"] = [], ["common-suffix"] = [], ["task-template"] = [],
            ["subject-template"] = [], ["marker"] = [], ["held-out"] = [],
        };
        var tasks = new List<(string Name, List<string> Steps, List<string> Suffixes)>();
        var subjects = new List<(string Name, List<string> Sentences)>();
        var lineNumber = 0;
        string? current = null; // "task" or "subject": what step/suffix/sentence lines belong to

        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var colon = line.IndexOf(':');
            if (colon <= 0)
                throw Error(source, lineNumber, "expected \"key: text\"");
            var key = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (value.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or ',' or '?' or '|' or '{' or '}')) is
                var odd and not '\0')
                throw Error(source, lineNumber, $"'{odd}' is not allowed: the world's text is ASCII letters, digits, " +
                                                "spaces and \". , ?\" (and {0} in templates)");
            var variants = value.Split('|').Select(v => v.Trim()).ToList();
            if (variants.Any(v => v.Length == 0))
                throw Error(source, lineNumber, $"\"{key}\" has an empty entry");

            switch (key)
            {
                case "task":
                    tasks.Add((value, [], []));
                    current = key;
                    break;
                case "subject":
                    subjects.Add((value, []));
                    current = key;
                    break;
                case "step" or "suffix" when current != "task":
                    throw Error(source, lineNumber, $"\"{key}\" must follow a \"task\" line");
                case "step":
                    tasks[^1].Steps.Add(Phrase(value, source, lineNumber));
                    break;
                case "suffix":
                    tasks[^1].Suffixes.AddRange(variants.Select(v => Phrase(v, source, lineNumber)));
                    break;
                case "sentence" when current != "subject":
                    throw Error(source, lineNumber, "\"sentence\" must follow a \"subject\" line");
                case "sentence":
                    subjects[^1].Sentences.Add(Sentence(value, source, lineNumber));
                    break;
                case "marker":
                    lists[key].AddRange(variants.Select(v => Sentence(v, source, lineNumber)));
                    break;
                case "first" or "middle" or "last" or "common-suffix":
                    lists[key].AddRange(variants.Select(v => Phrase(v, source, lineNumber)));
                    break;
                case "task-template" or "subject-template":
                    if (variants.FirstOrDefault(v => !v.Contains("{0}", StringComparison.Ordinal)) is { } bad)
                        throw Error(source, lineNumber, $"the template \"{bad}\" has no {{0}} for the name");
                    lists[key].AddRange(variants);
                    break;
                case "held-out":
                    lists[key].AddRange(variants);
                    break;
                default:
                    throw Error(source, lineNumber, $"unknown key \"{key}\"");
            }
        }

        foreach (var (key, list) in lists.Where(l => l.Key != "held-out"))
        {
            if (list.Count == 0)
                throw new InvalidDataException($"{source}: no \"{key}\" entries.");
        }
        foreach (var (name, steps, _) in tasks.Where(t => t.Steps.Count == 0))
            throw new InvalidDataException($"{source}: task \"{name}\" has no steps.");
        foreach (var (name, _) in subjects.Where(s => s.Sentences.Count == 0))
            throw new InvalidDataException($"{source}: subject \"{name}\" has no sentences.");
        RequireDistinct(tasks.Select(t => t.Name).Concat(subjects.Select(s => s.Name)), "task and subject names", source);
        RequireDistinct(tasks.SelectMany(t => t.Steps), "steps", source);

        var subjectIds = subjects.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var heldOut = lists["held-out"].Select(name => subjectIds.TryGetValue(name, out var id)
            ? id
            : throw new InvalidDataException($"{source}: held-out subject \"{name}\" is not a subject.")).ToArray();

        return new ToyWorld(
            tasks.Select((t, i) => new ToyTask(i, t.Name, t.Steps.ToArray(), t.Suffixes.ToArray())).ToArray(),
            subjects.Select((s, i) => new ToySubject(i, s.Name, s.Sentences.ToArray())).ToArray(),
            heldOut, lists["marker"].ToArray(), lists["task-template"].ToArray(), lists["subject-template"].ToArray(),
            lists["first"].ToArray(), lists["middle"].ToArray(), lists["last"].ToArray(),
            lists["common-suffix"].ToArray(), source);
    }

    // Steps, suffixes and connectors are parts of a sentence: no sentence punctuation inside.
    private static string Phrase(string value, string source, int line) =>
        value.IndexOfAny(['.', '?', '!']) < 0
            ? value
            : throw Error(source, line, $"\"{value}\" is part of a sentence and must not hold \".\", \"?\" or \"!\"");

    // A whole sentence: one final period and no other sentence punctuation.
    private static string Sentence(string value, string source, int line) =>
        value.EndsWith('.') && value.IndexOfAny(['.', '?', '!']) == value.Length - 1
            ? value
            : throw Error(source, line, $"\"{value}\" must end with \".\" and hold no other \".\", \"?\" or \"!\"");

    private static void RequireDistinct(IEnumerable<string> values, string what, string source)
    {
        if (values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InvalidDataException($"{source}: \"{twice.Key}\" appears twice among the {what}.");
    }

    private static InvalidDataException Error(string source, int line, string message) =>
        new($"{source}, line {line}: {message}.");
}
