namespace Esr.Cli;

/// <summary>An input the user gave that cannot be used; its message is shown as the one error line.</summary>
public sealed class CliInputException(string message) : Exception(message);
