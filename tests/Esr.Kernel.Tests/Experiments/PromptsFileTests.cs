using Esr.Kernel.Experiments;

namespace Esr.Kernel.Tests.Experiments;

public sealed class PromptsFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("esr-prompts-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private string Write(string text)
    {
        var path = Path.Combine(directory, "prompts.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Lines_split_on_newlines_keep_their_text_and_blank_lines_and_windows_line_ends_go()
    {
        var prompts = PromptsFile.Read(Write(" Explain how to bake bread. \r\n\n   \nHow do you brew coffee?"), "--prompts");

        Assert.Equal([" Explain how to bake bread. ", "How do you brew coffee?"], prompts);
    }

    [Fact]
    public void Too_few_prompts_or_a_missing_file_is_an_input_error_naming_the_option_and_file()
    {
        var path = Write("Only one prompt.");

        Assert.Contains("--prompts '" + path + "': needs at least 2 prompts", Assert.Throws<EsrInputException>(() => PromptsFile.Read(path, "--prompts", minimum: 2)).Message);
        Assert.Contains("no such file", Assert.Throws<EsrInputException>(() => PromptsFile.Read(Path.Combine(directory, "absent.txt"), "--prompts")).Message);
    }
}
