using System.Globalization;

namespace Esr.Kernel;

/// <summary>How <see cref="LoadedModel.Generate"/> samples. Values are checked when a generation starts.</summary>
public sealed record GenerateOptions
{
    /// <summary>The most tokens to generate (the stop token not counted); 256 by default.</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Sampling temperature; 0 is greedy. 0.6 by default, the value the paper used everywhere.</summary>
    public double Temperature { get; init; } = 0.6;

    /// <summary>Nucleus sampling mass in (0, 1]; 1 (the default) keeps every token.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>vLLM's repetition penalty; null takes the model's (<see cref="LoadedModel.RepetitionPenalty"/>).</summary>
    public double? RepetitionPenalty { get; init; }

    /// <summary>The seed of the generation's own random stream.</summary>
    public int Seed { get; init; }

    /// <summary>No chat template: the prompt is encoded as it is, with the special tokens (e.g. BOS) the tokenizer adds.</summary>
    public bool Raw { get; init; }

    /// <summary>Steering for this generation, on top of any scoped by <see cref="LoadedModel.Steer"/>; null for none.</summary>
    public Steering? Steering { get; init; }

    /// <summary>How errors name <see cref="MaxTokens"/> (<see cref="EsrInputException.Input"/>).</summary>
    internal const string MaxTokensInput = $"{nameof(GenerateOptions)}.{nameof(MaxTokens)}";

    /// <exception cref="EsrInputException">A value is out of range; the message names it.</exception>
    internal void Validate()
    {
        string N(double value) => value.ToString(CultureInfo.InvariantCulture);
        if (MaxTokens < 0) throw new EsrInputException($"GenerateOptions.MaxTokens is {MaxTokens} (expected 0 or more)");
        if (!(Temperature >= 0) || double.IsInfinity(Temperature))
            throw new EsrInputException($"GenerateOptions.Temperature is {N(Temperature)} (expected a finite number >= 0)");
        if (!(TopP > 0 && TopP <= 1)) throw new EsrInputException($"GenerateOptions.TopP is {N(TopP)} (expected a number in (0, 1])");
        if (RepetitionPenalty is { } penalty && (!(penalty > 0) || double.IsInfinity(penalty)))
            throw new EsrInputException($"GenerateOptions.RepetitionPenalty is {N(penalty)} (expected a finite number > 0)");
    }
}
