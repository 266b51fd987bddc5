using Esr.Kernel.Experiments;
using Esr.Kernel.Experiments.Detectors;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments;

public sealed class LatentListTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_list_keeps_its_order_and_repeats_and_a_file_holds_latents_by_line_or_comma()
    {
        var file = _folder.File("subject_latents.txt");
        File.WriteAllText(file, "2\n 100, 7\n\n2\n");

        Assert.Equal([5, 3, 5], LatentList.Parse("--latents", "5, 3,5"));
        Assert.Equal([2, 100, 7, 2], LatentList.ParseOrRead("--latents", file));
        Assert.Equal("--latents '5,x': the latent 'x' is not a non-negative integer", Assert.Throws<EsrInputException>(() => LatentList.Parse("--latents", "5,x")).Message);
        Assert.StartsWith("--interest-latents is empty", Assert.Throws<EsrInputException>(() => LatentList.Parse("--interest-latents", " ")).Message);
    }

    [Fact]
    public void Detectors_come_from_a_file_with_the_list_or_holding_only_the_list_or_as_latents()
    {
        var named = _folder.File("named.json");
        var bare = _folder.File("bare.json");
        File.WriteAllText(named, """{"model_name": "m", "off_topic_detectors": [4, 9]}""");
        File.WriteAllText(bare, "[4, 9]");

        Assert.Equal([4, 9], OffTopicDetectorSets.ReadOrParse("--ablate", named));
        Assert.Equal([4, 9], OffTopicDetectorSets.ReadOrParse("--ablate", bare));
        Assert.Equal([4, 9], OffTopicDetectorSets.ReadOrParse("--ablate", "4,9"));
        File.WriteAllText(bare, """{"detectors": [4]}""");
        Assert.Contains("off_topic_detectors", Assert.Throws<InvalidDataException>(() => OffTopicDetectorSets.ReadOrParse("--ablate", bare)).Message);
    }
}
