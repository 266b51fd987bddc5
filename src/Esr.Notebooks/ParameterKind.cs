namespace Esr.Notebooks;

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
