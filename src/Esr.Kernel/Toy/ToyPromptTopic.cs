namespace Esr.Kernel.Toy;

/// <summary>
/// What a toy prompt asks about: the task it names anywhere in its text (so every template and any wrapping text
/// works), or, for a prompt that names a subject and no task, that subject ("tell me about" prompts).
/// </summary>
public sealed class ToyPromptTopic
{
    private readonly (string Words, int Id)[] _taskNames;
    private readonly (string Words, int Id)[] _subjectNames;

    /// <summary>Indexes a world's task and subject names.</summary>
    public ToyPromptTopic(ToyWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _taskNames = world.Tasks.Select(t => ($" {ToyWorld.Key(t.Name)} ", t.Id)).ToArray();
        _subjectNames = world.Subjects.Select(s => ($" {ToyWorld.Key(s.Name)} ", s.Id)).ToArray();
    }

    /// <summary>The task a prompt names; failing that, the subject.</summary>
    /// <exception cref="ArgumentException">The prompt names no task or subject of the world, or several.</exception>
    public (int? Task, int? Subject) Find(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var words = $" {ToyWorld.Key(prompt)} ";
        var tasks = _taskNames.Where(t => words.Contains(t.Words, StringComparison.Ordinal)).Select(t => t.Id).ToArray();
        if (tasks.Length == 1)
            return (tasks[0], null);
        var subjects = _subjectNames.Where(s => words.Contains(s.Words, StringComparison.Ordinal)).Select(s => s.Id).ToArray();
        if (tasks.Length == 0 && subjects.Length == 1)
            return (null, subjects[0]);
        throw new ArgumentException(tasks.Length + subjects.Length == 0
            ? $"The prompt names no task or subject of the toy world: \"{prompt}\"."
            : $"The prompt names several tasks or subjects of the toy world: \"{prompt}\".", nameof(prompt));
    }
}
