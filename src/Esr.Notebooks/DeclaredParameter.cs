namespace Esr.Notebooks;

/// <summary>
/// A variable the <c>parameters</c> cell declares: its name, the C# type written for it (the declared one, or the
/// keyword of its literal's type when declared with <c>var</c>), and the kind of value <c>-p</c> may give it.
/// </summary>
/// <param name="Name">The variable's name.</param>
/// <param name="TypeName">The C# type to declare the injected value with, e.g. <c>int</c> or <c>string?</c>.</param>
/// <param name="Kind">How a command-line value is parsed for it.</param>
public sealed record DeclaredParameter(string Name, string TypeName, ParameterKind Kind);
