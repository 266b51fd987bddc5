using System.Globalization;

namespace Esr.Kernel.Experiments;

/// <summary>Latent lists as options give them: "12,345", or a file of latents (a toy model's subject_latents.txt).</summary>
public static class LatentList
{
    /// <summary>Comma-separated latents, in order (a latent listed twice stays twice: the run refuses it naming the latent).</summary>
    /// <param name="option">The option, for the error line (e.g. "--latents").</param>
    /// <param name="text">The list.</param>
    /// <exception cref="EsrInputException">The list is empty or an item is not a non-negative integer.</exception>
    public static int[] Parse(string option, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Trim().Length == 0) throw new EsrInputException($"{option} is empty (expected comma-separated latents, e.g. 12,345)");
        return text.Split(',').Select(part => Latent(option, text, part.Trim())).ToArray();
    }

    /// <summary>A list as <see cref="Parse"/> reads it, or, when <paramref name="value"/> is a file, its latents separated by commas or line breaks.</summary>
    /// <exception cref="EsrInputException">The list or the file's text is empty or holds an item that is not a non-negative integer.</exception>
    public static int[] ParseOrRead(string option, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!File.Exists(value)) return Parse(option, value);
        var text = string.Join(',', File.ReadAllLines(value).Select(line => line.Trim()).Where(line => line.Length > 0));
        return Parse($"{option} {value}", text);
    }

    private static int Latent(string option, string whole, string part) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var latent)
            ? latent
            : throw new EsrInputException($"{option} '{whole}': the latent '{part}' is not a non-negative integer");
}
