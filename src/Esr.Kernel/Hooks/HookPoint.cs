using System.Text.RegularExpressions;

namespace Esr.Kernel.Hooks;

/// <summary>
/// A named place in the forward pass, in the grammar <c>blocks.{L}.{site}</c> with L a 0-based decoder block:
/// <list type="bullet">
/// <item><c>resid_pre</c>: the residual stream entering block L (Hugging Face <c>hidden_states[L]</c>);</item>
/// <item><c>attn_out</c>: the attention branch's output as added to the residual stream (on Gemma-2 after the
/// post-attention norm);</item>
/// <item><c>mlp_out</c>: the MLP branch's output as added to the residual stream (on Gemma-2 after the
/// post-feed-forward norm; what the paper's vLLM fork encoded on Gemma, ESR_SPEC §1.3);</item>
/// <item><c>resid_post</c>: the residual stream after block L (Hugging Face <c>hidden_states[L+1]</c>).</item>
/// </list>
/// A hook's edit at a branch site (<c>attn_out</c>, <c>mlp_out</c>) reaches the residual stream, since the edited
/// branch output is what is added.
/// </summary>
public readonly partial record struct HookPoint(int Block, string Site)
{
    /// <summary>The residual stream entering a block.</summary>
    public const string ResidualPre = "resid_pre";

    /// <summary>The attention branch's output, as added to the residual stream.</summary>
    public const string AttentionOut = "attn_out";

    /// <summary>The MLP branch's output, as added to the residual stream.</summary>
    public const string MlpOut = "mlp_out";

    /// <summary>The residual stream after a block.</summary>
    public const string ResidualPost = "resid_post";

    private static readonly string[] Sites = [ResidualPre, AttentionOut, MlpOut, ResidualPost];

    /// <summary>The site names of the grammar.</summary>
    public static IReadOnlyList<string> SiteNames => Sites;

    /// <summary>The residual stream after block <paramref name="block"/>.</summary>
    public static HookPoint ResidPost(int block) => new(block, ResidualPost);

    /// <summary>The residual stream entering block <paramref name="block"/>.</summary>
    public static HookPoint ResidPre(int block) => new(block, ResidualPre);

    /// <summary>The attention branch output of block <paramref name="block"/>.</summary>
    public static HookPoint AttnOut(int block) => new(block, AttentionOut);

    /// <summary>The MLP branch output of block <paramref name="block"/>.</summary>
    public static HookPoint MlpOutput(int block) => new(block, MlpOut);

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
