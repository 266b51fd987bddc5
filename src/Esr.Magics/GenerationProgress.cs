namespace Esr.Magics;

/// <summary>What a cell shows while a generation runs: the text so far, or what is being generated.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Text">The text generated so far.</param>
/// <param name="Status">What is running, for generations that show no text until the end; null while text streams.</param>
public sealed record GenerationProgress(string Prompt, string Text, string? Status = null)
{
    /// <summary>The status, or the text so far.</summary>
    public override string ToString() => Status is null ? Text : $"{Status}...";
}
