namespace Esr.Kernel.Tests;

/// <summary>The committed toy-s-base, loaded once per test class through the facade (with its own SAE and labels).</summary>
public sealed class ToyModelFixture : IDisposable
{
    public const string Name = "toy-s-base";

    public const string Prompt = "Explain how to bake bread.";

    public LoadedModel Model { get; } = Workbench.Load(Name);

    /// <summary>The latent zoo.json lists for penguins: a clean subject latent.</summary>
    public int Penguins => Model.Reference.Toy!.SubjectLatents["penguins"];

    /// <summary>A boost (in latent units) that clearly pulls the model off task: three median residual norms.</summary>
    public double StrongBoost => 3 * Model.Reference.Toy!.MedianResidualNorm;

    public void Dispose() => Model.Dispose();
}
