using Esr.Kernel.Experiments;

namespace Esr.Kernel.Tests.Experiments;

public sealed class ThresholdCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("esr-threshold-cache-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("meta-llama/Meta-Llama-3.3-70B-Instruct", false, "threshold_cache_Meta-Llama-3.3-70B-Instruct.json")]
    [InlineData("/models/masked-ratio-50pct-merged", true, "threshold_cache_masked-ratio-50pct-merged_with_ablation.json")]
    [InlineData("gemma-2-2b-it-res-16k-layer-16", false, "threshold_cache_gemma-2-2b-it-res-16k-layer-16.json")]
    [InlineData("models/my model\\v2:final", false, "threshold_cache_my_model_v2_final.json")]
    public void File_name_uses_the_text_after_the_last_slash(string model, bool ablation, string expected)
    {
        Assert.Equal(expected, ThresholdCache.FileName(model, ablation));
    }

    [Fact]
    public void Old_bare_numbers_and_null_thresholds_are_read_as_the_original_does()
    {
        var path = Path.Combine(_directory, "c.json");
        File.WriteAllText(path, """
            {"12": 4.5, "13": {"threshold": null}, "14": {"threshold": 7.25, "achieved_score": 0.28,
             "config": {"target_score": 0.3, "n_trials": 10, "prior_mean": 10, "prior_std": 10, "lower_bound": 0, "upper_bound": 50}}}
            """);
        var cache = new ThresholdCache(path);
        Assert.Equal(4.5, cache.Lookup(12));
        Assert.Null(cache.Lookup(13));
        Assert.Equal(7.25, cache.Lookup(14));
        Assert.Equal(0.3, cache.ReadAll()[14].Config!.TargetScore);
        Assert.Null(cache.Lookup(99));
    }

    [Fact]
    public void Storing_merges_with_what_another_writer_put_in_the_file_meanwhile()
    {
        var path = Path.Combine(_directory, "sub", "c.json");
        var first = new ThresholdCache(path);
        var second = new ThresholdCache(path);
        first.Store(1, new ThresholdCacheEntry(3.5, 0.31, ThresholdCacheConfig.From(ThresholdSearchSettings.Llama8B)));
        second.Store(2, new ThresholdCacheEntry(9.75));
        var all = first.ReadAll();
        Assert.Equal(3.5, all[1].Threshold);
        Assert.Equal(50, all[1].Config!.UpperBound);
        Assert.Equal(9.75, all[2].Threshold);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));  // no temporary file left behind
        Assert.Contains("\"achieved_score\": 0.31", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("{ \"12\": 4.5", "not valid JSON")]
    [InlineData("[4.5]", "not a JSON object")]
    [InlineData("{\"12\": \"4.5\"}", "entry '12' is a JSON string")]
    [InlineData("{\"12\": [4.5]}", "entry '12' is a JSON array")]
    [InlineData("{\"12\": {\"threshold\": \"high\"}}", "entry '12' cannot be read")]
    [InlineData("{\"12\": {\"threshold\": 1e400}}", "entry '12'")]
    public void A_corrupt_cache_is_refused_naming_the_file_and_the_entry(string content, string problem)
    {
        var path = Path.Combine(_directory, "threshold_cache_toy.json");
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidDataException>(() => new ThresholdCache(path).ReadAll());

        Assert.StartsWith($"{path}: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
