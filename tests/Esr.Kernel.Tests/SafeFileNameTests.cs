namespace Esr.Kernel.Tests;

public class SafeFileNameTests
{
    [Theory]
    [InlineData("Meta-Llama-3.3-70B-Instruct", "Meta-Llama-3.3-70B-Instruct")]
    [InlineData("meta-llama/Llama-3.3-70B-Instruct", "meta-llama_Llama-3.3-70B-Instruct")]
    [InlineData("../../../etc/x", ".._.._.._etc_x")]
    [InlineData("..", "_")]
    [InlineData("", "_")]
    [InlineData("a\\b:c d", "a_b_c_d")]
    public void A_name_from_data_becomes_one_path_component(string text, string expected) =>
        Assert.Equal(expected, SafeFileName.From(text));

    [Fact]
    public void A_name_that_leaves_the_folder_is_refused_and_a_plain_one_is_placed_inside_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "esr-safe-name");

        Assert.Equal(Path.Combine(folder, "a.json"), SafeFileName.Inside(folder + "/", "a.json"));
        foreach (var bad in new[] { "../a.json", "sub/a.json", "/etc/passwd", "..", "." })
            Assert.Throws<ArgumentException>(() => SafeFileName.Inside(folder, bad));
    }
}
