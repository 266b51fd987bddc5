namespace Esr.Kernel.Experiments;

/// <summary>
/// A prompts file as the paper's prompts.txt (ESR_SPEC §1.6): one prompt per line, split on "\n" with nothing else
/// stripped but a Windows line end's "\r"; blank lines skipped.
/// </summary>
public static class PromptsFile
{
    /// <summary>Reads the prompts of <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="option">How the user named it, for the error line (e.g. "--prompts").</param>
    /// <param name="minimum">Prompts the command needs.</param>
    /// <exception cref="EsrInputException">The file is missing or holds fewer than <paramref name="minimum"/> prompts.</exception>
    public static IReadOnlyList<string> Read(string path, string option, int minimum = 1)
    {
        if (!File.Exists(path)) throw new EsrInputException($"{option} '{path}': no such file (expected one prompt per line)");
        var prompts = File.ReadAllText(path).Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Trim().Length > 0).ToList();
        return prompts.Count >= minimum
            ? prompts
            : throw new EsrInputException($"{option} '{path}': needs at least {minimum} prompt{(minimum == 1 ? "" : "s")}, one per line; found {prompts.Count}");
    }
}
