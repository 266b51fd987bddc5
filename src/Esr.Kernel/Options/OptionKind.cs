namespace Esr.Kernel.Options;

/// <summary>What an option takes; front ends build their parsers, help and completions from it.</summary>
public enum OptionKind
{
    /// <summary>Free text: a name, an alias, a URL, or a list the experiment reads itself.</summary>
    Text,

    /// <summary>A file or folder.</summary>
    Path,

    /// <summary>A whole number within the spec's bounds.</summary>
    Integer,

    /// <summary>A finite number within the spec's bounds.</summary>
    Number,

    /// <summary>On or off: given alone it is on, and "true" or "false" may follow. Without a default it stays unset unless given.</summary>
    Flag,

    /// <summary>One of the spec's choices.</summary>
    Choice,
}
