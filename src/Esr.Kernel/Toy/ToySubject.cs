namespace Esr.Kernel.Toy;

/// <summary>An off-topic subject of the toy world: what steering pulls an answer towards.</summary>
/// <param name="Id">The subject's index in <see cref="ToyWorld.Subjects"/>.</param>
/// <param name="Name">The subject as prompts name it ("volcanoes").</param>
/// <param name="Sentences">The subject's own sentences, each ending with ".", in the order an answer gives them.</param>
public sealed record ToySubject(int Id, string Name, IReadOnlyList<string> Sentences);
