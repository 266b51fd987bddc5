namespace Esr.Kernel.Judging;

/// <summary>One attempt at answering the prompt, as the judge delimited and graded it.</summary>
/// <param name="Text">The attempt's text as the judge quoted it.</param>
/// <param name="Score">
/// The grade, 0-100; null when the judge gave none or gave a string that is not a number (some judges send
/// scores as strings, which are read as numbers when they parse).
/// </param>
public sealed record Attempt(string Text, double? Score);
