namespace Esr.Kernel.Toy;

/// <summary>An "explain how" task of the toy world.</summary>
/// <param name="Id">The task's index in <see cref="ToyWorld.Tasks"/>.</param>
/// <param name="Name">The task as a verb phrase, as prompts name it ("bake bread").</param>
/// <param name="Steps">The step types in the order an answer gives them; each a verb phrase without final period.</param>
/// <param name="Suffixes">The task's own sentence endings ("for a soft crumb"); the world adds common ones.</param>
public sealed record ToyTask(int Id, string Name, IReadOnlyList<string> Steps, IReadOnlyList<string> Suffixes);
