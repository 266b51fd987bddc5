using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyBoundaryAnnotator"/>: experiment 9's boundaries from the exact judge.</summary>
public sealed class ToyBoundaryAnnotatorTests
{
    private const string Prompt = "Explain how to bake bread.";
    private const string Drift = "Penguins are birds that cannot fly. Penguins use their wings as flippers to swim.";
    private const string Marker = "Wait, that is not right.";
    private const string OnTask = "First, mix flour, water and salt in a large bowl. Then, knead the dough on a floured counter.";

    private static readonly ToyBoundaryAnnotator Annotator = new();

    [Fact]
    public void The_boundaries_are_the_first_off_topic_sentence_the_next_marker_and_the_next_on_topic_sentence()
    {
        var opening = "To start, mix flour, water and salt in a large bowl. ";
        var response = $"{opening}{Drift} {Marker} {OnTask}";

        var annotation = Annotator.Annotate(Prompt, response);

        Assert.True(annotation.Valid, annotation.Error);
        Assert.Equal(opening.Length, annotation.OffTopicCharStart);
        Assert.Equal(response.IndexOf(Marker, StringComparison.Ordinal), annotation.CorrectionCharStart);
        Assert.Equal(response.IndexOf(OnTask, StringComparison.Ordinal), annotation.OnTopicCharStart);
        Assert.Equal(Marker, annotation.CorrectionPhrase);
    }

    [Theory]
    [InlineData(OnTask, "no off-topic sentence")]
    [InlineData(Drift + " " + OnTask, "no marker after the off-topic part")]
    [InlineData(Drift + " " + Marker, "no on-topic sentence after the marker")]
    public void A_response_without_the_whole_structure_is_an_invalid_annotation_saying_what_is_missing(string response, string missing)
    {
        var annotation = Annotator.Annotate(Prompt, response);

        Assert.False(annotation.Valid);
        Assert.Equal((-1, -1, -1), (annotation.OffTopicCharStart, annotation.CorrectionCharStart, annotation.OnTopicCharStart));
        Assert.Contains(missing, annotation.Error);
    }
}
