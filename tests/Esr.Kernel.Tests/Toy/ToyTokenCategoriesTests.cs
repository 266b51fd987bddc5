using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyTokenCategories"/>: what the world knows about each word.</summary>
public sealed class ToyTokenCategoriesTests
{
    private static readonly ToyWorld World = ToyWorld.Default;
    private static readonly ToyTokenCategories Categories = new(World);

    [Fact]
    public void Every_vocabulary_word_is_known_and_special_tokens_are_not()
    {
        Assert.All(World.Vocabulary, word => Assert.NotNull(Categories.Find(word)));
        Assert.Null(Categories.Find(ToyTokenizerWriter.EndOfTurn));
    }

    [Fact]
    public void Words_are_placed_where_they_occur()
    {
        var volcanoes = World.Subjects.Single(s => s.Name == "volcanoes").Id;
        var bread = World.Tasks.Single(t => t.Name == "bake bread").Id;
        Assert.Equal(volcanoes, Categories.Find("magma")!.OnlySubject);
        Assert.Equal(bread, Categories.Find("knead")!.OnlyTask);
        Assert.True(Categories.Find("drifted")!.OnlyMarker);
        Assert.True(Categories.Find("Explain")!.Template);
        Assert.True(Categories.Find("Finally")!.Shared);
        Assert.True(Categories.Find("assistant")!.Role);
        var the = Categories.Find("the")!;
        Assert.Null(the.OnlySubject);
        Assert.True(the.Tasks.Count > 10 && the.Subjects.Count > 10);
    }

    [Fact]
    public void Every_subject_has_several_words_of_its_own()
    {
        var own = World.Vocabulary.Select(w => Categories.Find(w)!.OnlySubject).OfType<int>()
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(World.Subjects, s => Assert.True(own.GetValueOrDefault(s.Id) >= 5, $"{s.Name}: {own.GetValueOrDefault(s.Id)}"));
    }
}
