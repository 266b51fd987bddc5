namespace Esr.Notebooks;

/// <summary>
/// A variable the <c>parameters</c> cell declares: its name, the C# type written for it (the declared one, or the
/// keyword of its literal's type when declared with <c>var</c>), and the kind of value <c>-p</c> may give it.
/// </summary>
/// <param name="Name">The variable's name.</param>
/// <param name="TypeName">The C# type to declare the injected value with, e.g. <c>int</c> or <c>string?</c>.</param>
/// <param name="Kind">How a command-line value is parsed for it.</param>
public sealed record DeclaredParameter(string Name, string TypeName, ParameterKind Kind);

/// <summary>The types a command-line value can be given, as papermill types values after the parameters cell.</summary>
public enum ParameterKind
{
    /// <summary>A type a command-line value cannot be turned into (an array, a call's result, ...).</summary>
    Unsupported,

    /// <summary><c>int</c>.</summary>
    Int,

    /// <summary><c>long</c>.</summary>
    Long,

    /// <summary><c>double</c>.</summary>
    Double,

    /// <summary><c>float</c>.</summary>
    Float,

    /// <summary><c>bool</c>: <c>true</c> or <c>false</c>.</summary>
    Bool,

    /// <summary><c>string</c>: the value as given.</summary>
    String,
}
