using System.Text.RegularExpressions;

namespace Esr.Kernel.Models;

/// <summary>
/// A named place in the forward pass, in the grammar <c>blocks.{L}.{site}</c>; <c>blocks.L.resid_post</c> is the
/// residual stream after decoder block L (0-based), i.e. Hugging Face <c>hidden_states[L+1]</c>.
/// </summary>
public readonly partial record struct HookPoint(int Block, string Site)
{
    /// <summary>The residual stream after a block.</summary>
    public const string ResidualPost = "resid_post";

    private static readonly string[] Sites = [ResidualPost];

    /// <summary>The residual stream after block <paramref name="block"/>.</summary>
    public static HookPoint ResidPost(int block) => new(block, ResidualPost);

    /// <summary>Parses <c>blocks.{L}.{site}</c>.</summary>
    /// <exception cref="FormatException">The text does not follow the grammar or names an unknown site.</exception>
    public static HookPoint Parse(string text)
    {
        var match = Grammar().Match(text);
        if (!match.Success) throw new FormatException($"hook point '{text}' does not match blocks.{{L}}.{{site}} (e.g. blocks.12.resid_post)");
        var site = match.Groups["site"].Value;
        if (!Sites.Contains(site)) throw new FormatException($"hook point '{text}': site '{site}' is not one of {string.Join(", ", Sites)}");
        return new HookPoint(int.Parse(match.Groups["block"].Value), site);
    }

    /// <inheritdoc />
    public override string ToString() => $"blocks.{Block}.{Site}";

    [GeneratedRegex(@"^blocks\.(?<block>\d+)\.(?<site>[a-z_]+)$")]
    private static partial Regex Grammar();
}
