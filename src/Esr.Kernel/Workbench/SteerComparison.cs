using Microsoft.Data.Analysis;

namespace Esr.Kernel;

/// <summary>The same prompt and seed generated without and with a steering (Neuronpedia's DEFAULT and STEERED).</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Default">The completion without the steering.</param>
/// <param name="Steered">The completion with it.</param>
/// <param name="Steering">The steering compared.</param>
public sealed record SteerComparison(string Prompt, Completion Default, Completion Steered, Steering Steering)
{
    /// <summary>One row per condition: <c>condition</c> (default, steered), <c>steering</c>, <c>text</c>, <c>tokens</c>, <c>finish_reason</c>.</summary>
    public DataFrame ToDataFrame() => CompletionFrame.Of([("default", Default), ("steered", Steered)], "condition");

    /// <summary>Both texts, labelled.</summary>
    public override string ToString() => $"default: {Default.Text}\nsteered ({Steering}): {Steered.Text}";
}
