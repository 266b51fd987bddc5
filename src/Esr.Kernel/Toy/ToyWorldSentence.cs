namespace Esr.Kernel.Toy;

/// <summary>One sentence the toy world can produce, and where it comes from.</summary>
/// <param name="Text">The sentence, ending with ".".</param>
/// <param name="Source">Task step, subject sentence or marker.</param>
/// <param name="Id">The task id, the subject id, or the marker's index in <see cref="ToyWorld.Markers"/>.</param>
/// <param name="Step">For a task sentence, the step type's index in <see cref="ToyTask.Steps"/>; else -1.</param>
public sealed record ToyWorldSentence(string Text, ToySentenceSource Source, int Id, int Step = -1);
