using Esr.Kernel.Saes;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Models;
using static TorchSharp.torch;

namespace Esr.Kernel.Tests.Toy;

public sealed class LatentLabelerTests(ToyModelDirectory directory) : IClassFixture<ToyModelDirectory>
{
    [Fact]
    public void Prompt_tokens_take_the_topic_from_the_word_that_names_it_and_answer_tokens_their_sentence()
    {
        var world = ToyWorld.Default;
        var subject = world.Subjects.Single(candidate => candidate.Name == "volcanoes");
        var sentence = subject.Sentences[0];
        var episode = new ToyEpisode(world.SubjectPrompt(subject.Id, 0), [new ToySegment(sentence, ToySegmentKind.Subject, InLoss: true)],
            ToyEpisodeKind.SubjectAnswer, Task: null, Subject: subject.Id);
        var categories = LatentLabeler.Categories(world, new ToyTokenCategories(world), directory.Tokenizer, directory.Template, episode);

        var ids = ToyExampleEncoder.Encode(directory.Tokenizer, directory.Template, episode).Ids;
        Assert.Equal(ids.Length, categories.Length);
        var named = Array.IndexOf(ids, directory.Tokenizer.TokenToId("volcanoes")!.Value);
        Assert.All(categories[..named], category => Assert.Equal("prompt", category));
        Assert.All(categories[named..^1], category => Assert.Equal("subject:volcanoes", category));
        Assert.Equal("special", categories[^1]);
    }

    [Fact]
    public void A_latent_takes_the_category_with_most_of_its_activation_mass()
    {
        // Tokens: subject:a, subject:a, task:b, marker. Latent 0 fires 3+1 on a, 2 on b; latent 1 only on the marker; latent 2 never.
        using var activations = tensor(new float[] { 3, 0, 0, 1, 0, 0, 2, 0, 0, 0, 5, 0 }, [4L, 3L]);
        using var mass = LatentMass.Of(activations, ["subject:a", "subject:a", "task:b", "marker"]);
        var labels = mass.Labels();
        Assert.Equal(new LatentLabel(0, "subject:a", 4.0 / 6, 6), labels[0]);
        Assert.Equal(new LatentLabel(1, "marker", 1, 5), labels[1]);
        Assert.Equal(new LatentLabel(2, LatentLabeler.Dead, 0, 0), labels[2]);
        Assert.Equal(0, LatentLabeler.SubjectLatents(labels, minimumPurity: 0.5)["a"].Latent);
        Assert.Empty(LatentLabeler.SubjectLatents(labels, minimumPurity: 0.7));

        using var folder = new TemporaryDirectory();
        LatentLabeler.Save(folder.File("labels.csv"), labels);
        var loaded = LatentLabels.Load(folder.File("labels.csv"));
        Assert.Equal(3, loaded.RowCount);
        Assert.Equal("subject:a", loaded[0]);
        Assert.Equal("marker", loaded[1]);
    }
}
