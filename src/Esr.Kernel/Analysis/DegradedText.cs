namespace Esr.Kernel.Analysis;

/// <summary>Detects degenerate repetition in a response (ESR_SPEC §2.4, "degraded outputs").</summary>
public static class DegradedText
{
    /// <summary>Words needed before a response can be degraded, and the run length that makes it so.</summary>
    public const int RunLength = 5;

    /// <summary>
    /// True when, splitting on whitespace, one word of two or more characters occurs at least
    /// <see cref="RunLength"/> times in a row. A one-character token or a different word ends a run; a response of
    /// fewer than <see cref="RunLength"/> words is never degraded.
    /// </summary>
    public static bool IsDegraded(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var words = response.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < RunLength) return false;
        string? previous = null;
        int run = 0;
        foreach (var word in words)
        {
            if (word.Length < 2)
            {
                previous = null;
                run = 0;
                continue;
            }
            run = word == previous ? run + 1 : 1;
            previous = word;
            if (run >= RunLength) return true;
        }
        return false;
    }
}
