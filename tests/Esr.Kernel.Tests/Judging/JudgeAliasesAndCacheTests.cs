using Esr.Kernel.Judging;

namespace Esr.Kernel.Tests.Judging;

public sealed class JudgeAliasesAndCacheTests
{
    [Theory]
    [InlineData("sonnet", "claude-sonnet-4-5-20250929", JudgeProvider.Anthropic)]
    [InlineData("sonnet-4.5", "claude-sonnet-4-5-20250929", JudgeProvider.Anthropic)]
    [InlineData("haiku", "claude-3-5-haiku-20241022", JudgeProvider.Anthropic)]
    [InlineData("haiku-3.5", "claude-3-5-haiku-20241022", JudgeProvider.Anthropic)]
    [InlineData("haiku-4.5", "claude-haiku-4-5-20251001", JudgeProvider.Anthropic)]
    [InlineData("gpt-5-mini", "openai/gpt-5-mini", JudgeProvider.OpenRouter)]
    [InlineData("qwen3-32b", "qwen/qwen3-32b", JudgeProvider.OpenRouter)]
    [InlineData("gemini-2.0-flash", "google/gemini-2.0-flash-001", JudgeProvider.OpenRouter)]
    [InlineData("gemini-2.5-flash", "google/gemini-2.5-flash", JudgeProvider.OpenRouter)]
    [InlineData("gemini-3-flash", "google/gemini-3-flash-preview", JudgeProvider.OpenRouter)]
    [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001", JudgeProvider.Anthropic)]
    [InlineData("gpt-4o-mini", "gpt-4o-mini", JudgeProvider.OpenAI)]
    public void Aliases_resolve_and_route_as_the_spec_says(string alias, string model, JudgeProvider provider)
    {
        Assert.Equal(model, JudgeAliases.Resolve(alias));
        Assert.Equal(provider, JudgeAliases.Route(JudgeAliases.Resolve(alias)));
    }

    [Fact]
    public void Folder_names_follow_the_original()
    {
        Assert.Equal("claude_haiku_4_5_20251001_judge", JudgeAliases.FolderName(JudgeAliases.PaperPrimary));
        Assert.Equal("gemini_2_5_flash_judge", JudgeAliases.FolderName("google/gemini-2.5-flash"));
    }

    [Fact]
    public void Cache_keys_depend_on_every_field_and_errors_are_not_stored()
    {
        var request = new JudgeRequest("p", "r", "l");
        var key = JudgeCache.Key("j", "v", request);
        Assert.NotEqual(key, JudgeCache.Key("j2", "v", request));
        Assert.NotEqual(key, JudgeCache.Key("j", "v2", request));
        Assert.NotEqual(key, JudgeCache.Key("j", "v", request with { Prompt = "p2" }));
        Assert.NotEqual(key, JudgeCache.Key("j", "v", request with { Response = "r2" }));
        Assert.NotEqual(key, JudgeCache.Key("j", "v", request with { FeatureLabel = "l2" }));
        Assert.NotEqual(JudgeCache.Key("j", "v", new JudgeRequest("ab", "c", "")), JudgeCache.Key("j", "v", new JudgeRequest("a", "bc", "")));

        var directory = Directory.CreateTempSubdirectory("esr-cache-").FullName;
        try
        {
            var cache = new JudgeCache(directory);
            cache.Put("j", "v", request, JudgeVerdict.Failed("raw", "X", "y"));
            Assert.Null(cache.TryGet("j", "v", request));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Concurrent_writers_of_one_key_leave_one_readable_file_and_no_temporaries()
    {
        var directory = Directory.CreateTempSubdirectory("esr-cache-").FullName;
        try
        {
            var request = new JudgeRequest("p", "r", "l");
            var verdict = new JudgeVerdict([new Attempt("a", 50)], "raw", null);
            await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            {
                var cache = new JudgeCache(directory);
                for (int i = 0; i < 20; i++)
                {
                    cache.Put("j", "v", request, verdict);
                    var read = cache.TryGet("j", "v", request);
                    Assert.NotNull(read);
                    Assert.Equal(verdict.Attempts!, read.Attempts!);
                }
            })));
            var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
            Assert.Single(files);
            Assert.EndsWith(".json", files[0]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
