namespace Esr.Kernel.Generation;

/// <summary>What <see cref="TokenSampler.Next(Span{float}, SamplingOptions, IEnumerable{int}, Random)"/> needs of one row being generated: its settings, the ids it has seen and its random stream.</summary>
internal sealed record SamplingRow(SamplingOptions Options, IEnumerable<int> Seen, Random Random);
