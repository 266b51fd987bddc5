using System.Globalization;

namespace Esr.Kernel.Experiments.Runs;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/> (0-based), written "i/n".</summary>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>Parses "i/n" with 0 ≤ i &lt; n.</summary>
    /// <exception cref="FormatException">Not of that form; the message says what is expected.</exception>
    public static ShardSpec Parse(string text)
    {
        var parts = (text ?? "").Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index < count)
            return new ShardSpec(index, count);
        throw new FormatException($"--shard '{text}' must be i/n with 0 <= i < n, e.g. 0/4");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
