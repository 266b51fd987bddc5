namespace Esr.Kernel.Experiments.SequentialActivations;

/// <summary>A shaded region of Figure 6, from <paramref name="Start"/> to the next region's start (or the end).</summary>
public sealed record FigureRegion(string Name, int Start);
