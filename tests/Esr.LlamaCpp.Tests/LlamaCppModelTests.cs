namespace Esr.LlamaCpp.Tests;

[Collection(TinyModelsCollection.Name)]
public sealed class LlamaCppModelTests(TinyModels models)
{
    public static TheoryData<string> PresetNames => new(TinyModels.Presets.Select(p => p.Name));

    private static int[] Sequence(int length, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => random.Next(vocab)).ToArray();
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_preset_loads_and_gives_finite_logits_at_every_position(string preset)
    {
        var model = models[preset];
        var tokens = Sequence(20, model.VocabSize, 1);
        var logits = model.Logits(tokens);
        Assert.Equal(tokens.Length, logits.Length);
        Assert.All(logits, row => Assert.Equal(model.VocabSize, row.Length));
        Assert.All(logits, row => Assert.All(row, value => Assert.True(float.IsFinite(value))));
        Assert.True(logits[5].Max() - logits[5].Min() > 0.5f, "random weights should give clearly non-uniform logits");
    }
}
