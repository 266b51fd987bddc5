namespace Esr.LlamaCpp;

/// <summary>How <see cref="LlamaCppModel"/> runs llama.cpp.</summary>
public sealed record LlamaCppOptions
{
    /// <summary>CPU threads for prompt and generation evaluation (default: all logical processors).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Largest number of tokens llama.cpp evaluates in one physical micro-batch.</summary>
    public int MicroBatchSize { get; init; } = 512;

    /// <summary>Largest number of tokens submitted in one decode call of a batched prefill.</summary>
    public int BatchSize { get; init; } = 2048;
}
