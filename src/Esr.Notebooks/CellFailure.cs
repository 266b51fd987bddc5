namespace Esr.Notebooks;

/// <summary>The cell that stopped a notebook and why.</summary>
/// <param name="Cell">How the cell is named in messages: its number in the notebook as read (from 1, markdown cells
/// counted) and its first line, or <c>injected-parameters cell</c>.</param>
/// <param name="Message">The kernel's error message, or for a timeout what happened ("ran past the 60 s timeout and was cancelled").</param>
/// <param name="TimedOut">True when the notebook ran past its timeout in this cell.</param>
public sealed record CellFailure(string Cell, string Message, bool TimedOut)
{
    /// <summary>The first non-empty line of <see cref="Message"/>.</summary>
    public string FirstLine => Message.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0) ?? "";
}
