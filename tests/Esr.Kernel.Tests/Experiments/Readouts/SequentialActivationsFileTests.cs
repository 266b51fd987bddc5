using Esr.Kernel.Analysis.Figures;
using Esr.Kernel.Experiments.SequentialActivations;
using Esr.Kernel.Results;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests.Experiments.Readouts;

public class SequentialActivationsFileTests
{
    [Fact]
    public void The_written_json_reads_back_as_figure_6s_readout()
    {
        using var folder = new TemporaryDirectory();
        JsonResultFile.Write(folder.File("experiment_6_sequential_activations.json"), SequentialReadouts.Small().ToJson());

        var readout = SequentialActivationsFile.Load(folder.File("experiment_6_sequential_activations.json"));

        Assert.Equal(["<s>", "Ex", "plain", "Stand", "Wait"], readout.Tokens);
        Assert.Equal([1, 2, 3], readout.OffTopicDetectors);
        Assert.Equal([3], readout.LatentsOfInterest);
        Assert.Equal(3, readout.BacktrackingLatent);
        Assert.Equal([0, 2, 0, 4, 0], readout.Activations[1]);
        // The paper's regions cut at the fifth token: only the user prompt [0, 5) is left.
        Assert.Equal([new TokenRegion(0, 5, "User prompt", "#bdc3c7")], readout.Regions);
        var frame = SequentialActivationFigure.Build(readout);
        // Only detector 1 is summed: 2 never fires, 3 is a latent of interest.
        Assert.Equal([0.0, 2, 0, 4, 0], frame["otd_sum"].Cast<double>());
        Assert.Equal([0.0, 0, 0, 0, 8], frame["backtracking"].Cast<double>());
    }

    [Fact]
    public void Stored_regions_and_the_bottom_latents_label_are_read_back_and_bad_regions_are_named()
    {
        using var folder = new TemporaryDirectory();
        string Write(string regions) =>
            WriteFile(folder, $$"""{"token_strings": ["a", "b", "c", "d"], "activations": {"5": [0, 1, 0, 2], "7": [1, 0, 0, 0]}, "off_topic_detectors": [5], "latents_of_interest": {"7": "marker"}, "regions": {{regions}}}""");

        var readout = SequentialActivationsFile.Load(Write("""[{"name": "off-topic", "start": 1}, {"name": "user prompt", "start": 0}, {"name": "self-correction", "start": 3}]"""));

        Assert.Equal([new TokenRegion(0, 1, "User prompt", "#bdc3c7"), new TokenRegion(1, 3, "Off-topic", "#8e44ad"), new TokenRegion(3, 4, "Self-correction", "#e67e22")], readout.Regions);
        Assert.Equal("marker", readout.BacktrackingTitle);
        var error = Assert.Throws<InvalidDataException>(() => SequentialActivationsFile.Load(Write("""[{"name": "drift", "start": 1}]""")));
        Assert.Contains("field \"regions\"[0] must be {\"name\": one of user prompt, off-topic, self-correction, on-topic", error.Message);
    }

    private static string WriteFile(TemporaryDirectory folder, string json)
    {
        var file = folder.File($"readout-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        return file;
    }

    [Fact]
    public void A_file_without_token_strings_names_the_file_and_the_field()
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.File("other.json"), """{"activations": {}}""");

        var error = Assert.Throws<InvalidDataException>(() => SequentialActivationsFile.Load(folder.File("other.json")));

        Assert.Contains("other.json", error.Message);
        Assert.Contains("\"token_strings\"", error.Message);
    }

    [Fact]
    public void Activations_of_another_length_than_the_tokens_are_refused()
    {
        using var folder = new TemporaryDirectory();
        File.WriteAllText(folder.File("short.json"),
            """{"token_strings": ["a", "b"], "activations": {"5": [1.0]}, "off_topic_detectors": [5], "latents_of_interest": {}}""");

        var error = Assert.Throws<InvalidDataException>(() => SequentialActivationsFile.Load(folder.File("short.json")));

        Assert.Contains("\"activations\".\"5\"", error.Message);
    }
}
