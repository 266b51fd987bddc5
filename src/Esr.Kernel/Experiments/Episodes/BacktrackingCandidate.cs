namespace Esr.Kernel.Experiments.Episodes;

/// <summary>A latent the backtracking keyword search found.</summary>
public sealed record BacktrackingCandidate(int Latent, string Label, int Score);
