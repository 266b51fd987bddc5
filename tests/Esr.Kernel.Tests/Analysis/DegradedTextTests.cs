using Esr.Kernel.Analysis;

namespace Esr.Kernel.Tests.Analysis;

public class DegradedTextTests
{
    [Theory]
    [InlineData("yes yes yes yes yes", true)]
    [InlineData("Sure. the cat cat cat cat cat sat", true)]
    [InlineData("cat cat cat cat", false)]                 // fewer than five words
    [InlineData("a a a a a a a", false)]                   // one-character words never count
    [InlineData("hi hi a hi hi hi", false)]                // a one-character token ends the run
    [InlineData("go go go go stop go", false)]             // a different word ends the run
    [InlineData("dog\tdog\ndog  dog dog", true)]           // any whitespace separates words
    [InlineData("Dog dog dog dog dog", false)]             // case-sensitive, as the original
    public void Degraded_means_a_word_of_two_or_more_characters_five_times_in_a_row(string response, bool expected)
    {
        Assert.Equal(expected, DegradedText.IsDegraded(response));
    }
}
