using Esr.Kernel.Judging;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests;

public sealed class JudgeFactoryTests
{
    [Fact]
    public async Task A_cached_judge_answers_a_repeated_request_from_its_folder()
    {
        using var folder = new TemporaryDirectory();
        var toy = JudgeFactory.Create(JudgeFactory.Toy, null, null, null, maxTokens: 100);
        var request = new JudgeRequest("Explain how to bake bread.", "Mix flour and water.", "penguins");

        var cached = Assert.IsType<CachingJudge>(JudgeFactory.Cached(toy, folder.Path));
        await cached.JudgeAsync(request);
        var again = Assert.IsType<CachingJudge>(JudgeFactory.Cached(toy, folder.Path));
        await again.JudgeAsync(request);

        Assert.Equal((0, 1), (cached.Hits, cached.Misses));
        Assert.Equal((1, 0), (again.Hits, again.Misses));
        Assert.Same(toy, JudgeFactory.Cached(toy, null));
        Assert.IsType<ToyJudge>(toy);
    }

    [Fact]
    public void A_device_is_checked_only_for_a_local_judge()
    {
        Assert.IsType<ToyJudge>(JudgeFactory.Create(JudgeFactory.Toy, null, null, null, maxTokens: 100, localDevice: "cuda"));
        using var folder = new TemporaryDirectory();
        Assert.StartsWith("device 'cuda': no CUDA device in this build",
            Assert.Throws<EsrInputException>(() => JudgeFactory.Create("local:" + folder.Path, null, null, null, maxTokens: 100, localDevice: "cuda")).Message);
    }
}
