using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Tests.Experiments.Readouts;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Runs;

/// <summary><see cref="PromptVariantFile"/> and how experiment 5 picks its variants (<c>--variants</c>, the data folder, the paper's four).</summary>
public sealed class PromptVariantFileTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, string json)
    {
        var path = _folder.File(name);
        File.WriteAllText(path, json);
        return path;
    }

    private static ExperimentSettings WithData(string dataDirectory, string? variants) =>
        new MetaPromptProtocol().WithData(ExperimentSettings.ForExperiment("5"), new SteeringData(dataDirectory, null, null, variants));

    [Fact]
    public void The_papers_data_file_reads_as_the_built_in_variants()
    {
        Assert.Equal(PromptVariant.Paper, PromptVariantFile.Read(PaperData.File(PromptVariantFile.FileName)));
        Assert.Equal(PromptVariant.Paper, ExperimentSettings.ForExperiment("5").PromptVariants);
    }

    [Fact]
    public void Written_variants_read_back_with_their_display_names()
    {
        var path = _folder.File(PromptVariantFile.FileName);

        PromptVariantFile.Write(path, PromptVariant.Paper, id => $"name of {id}");

        Assert.Equal(PromptVariant.Paper, PromptVariantFile.Read(path));
        Assert.Contains("\"display\": \"name of self_monitor\"", File.ReadAllText(path));
        Assert.Contains("Don't get distracted!", File.ReadAllText(path)); // unescaped, for people to read
    }

    [Theory]
    [InlineData("""{"variants": [{"id": "a", "template": "{prompt} A."}, {"id": "b", "display": "B"}]}""", "field 'variants[1].template' is missing")]
    [InlineData("""{"variants": [{"template": "{prompt} A."}]}""", "field 'variants[0].id' is missing")]
    [InlineData("""{"variants": [{"id": 3, "template": "{prompt} A."}]}""", "field 'variants[0].id' is 3, expected a string")]
    [InlineData("""{"variants": [{"id": "a", "template": "Stay on topic."}]}""", "field 'variants[0].template' has no {prompt}, so the base prompt would be lost")]
    [InlineData("""{"variants": [{"id": "a", "template": "{prompt} A."}, {"id": "a", "template": "{prompt} B."}]}""", "the id 'a' names two variants")]
    [InlineData("""{"variants": ["{prompt} A."]}""", "variants[0] is \"{prompt} A.\", expected an object")]
    [InlineData("""{"templates": []}""", "expected an object with a non-empty 'variants' array")]
    [InlineData("""{"variants": [""", "not valid JSON")]
    public void A_malformed_file_is_refused_naming_the_file_and_the_field(string json, string problem)
    {
        var path = Write("variants.json", json);

        var message = Assert.Throws<EsrInputException>(() => PromptVariantFile.Read(path)).Message;

        Assert.StartsWith($"{path}: {problem}", message);
    }

    [Fact]
    public void A_variants_file_replaces_the_data_folders_and_ids_pick_from_the_data_folders()
    {
        var data = Directory.CreateDirectory(_folder.File("data")).FullName;
        PromptVariant[] folders = [new("calm", "{prompt} Calm."), new("self_monitor", "{prompt} Watch {latent_label}."), new("loud", "{prompt} Loud!")];
        PromptVariantFile.Write(Path.Combine(data, PromptVariantFile.FileName), folders, id => id);
        var own = Write("own.json", """{"variants": [{"id": "mine", "template": "{prompt} Mine."}]}""");

        Assert.Equal([new PromptVariant("mine", "{prompt} Mine.")], WithData(data, own).PromptVariants);
        Assert.Equal(folders, WithData(data, null).PromptVariants);
        Assert.Equal([folders[0], folders[2]], WithData(data, "loud, calm").PromptVariants);
        Assert.Equal(PromptVariant.Paper, WithData(_folder.File("no-data"), null).PromptVariants);
        Assert.Equal("--variants: 'missing.json' is neither a file nor a known variant id (known: calm, self_monitor, loud)",
            Assert.Throws<EsrInputException>(() => WithData(data, "missing.json")).Message);
    }
}
