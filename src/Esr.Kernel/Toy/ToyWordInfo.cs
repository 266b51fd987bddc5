namespace Esr.Kernel.Toy;

/// <summary>Where a vocabulary word occurs in the toy world.</summary>
/// <param name="Word">The word (a token of the toy tokenizer).</param>
/// <param name="Tasks">Ids of the tasks whose name, steps or own suffixes hold it, ascending.</param>
/// <param name="Subjects">Ids of the subjects whose name or sentences hold it, ascending.</param>
/// <param name="Marker">True when a self-correction marker holds it.</param>
/// <param name="Template">True when a prompt template holds it (outside the name slot).</param>
/// <param name="Shared">True when a connector or a common suffix holds it: words of every task's answers.</param>
/// <param name="Role">True for a chat role written in headers ("user", "assistant", "system").</param>
public sealed record ToyWordInfo(
    string Word, IReadOnlyList<int> Tasks, IReadOnlyList<int> Subjects, bool Marker, bool Template, bool Shared,
    bool Role)
{
    private bool OnlyContent => !Marker && !Template && !Shared && !Role;

    /// <summary>The subject when the word occurs in that one subject and nowhere else; else null.</summary>
    public int? OnlySubject => Subjects.Count == 1 && Tasks.Count == 0 && OnlyContent ? Subjects[0] : null;

    /// <summary>The task when the word occurs in that one task and nowhere else; else null.</summary>
    public int? OnlyTask => Tasks.Count == 1 && Subjects.Count == 0 && OnlyContent ? Tasks[0] : null;

    /// <summary>True when the word occurs in markers and nowhere else.</summary>
    public bool OnlyMarker => Marker && Tasks.Count == 0 && Subjects.Count == 0 && !Template && !Shared && !Role;
}
