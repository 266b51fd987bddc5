using Esr.Kernel.Generation;
using Esr.Kernel.Judging;
using Esr.Kernel.Models;
using Esr.Kernel.Text;
using Esr.LlamaCpp;
using Microsoft.Extensions.AI;
using Esr.Kernel.Tests.Text;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using TurnMessage = Esr.Kernel.Text.ChatMessage;

namespace Esr.Kernel.Tests.Judging;

/// <summary>A tiny random Llama with the real Llama-3 tokenizer and chat template, written once for the class.</summary>
public sealed class TinyLocalJudgeModel : IDisposable
{
    public TinyLocalJudgeModel()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("esr-local-judge-").FullName;
        var source = ReferenceFiles.Llama3InstructDirectory;
        File.Copy(ReferenceFiles.TokenizerJson(source), Path.Combine(Directory, "tokenizer.json"));
        File.Copy(ReferenceFiles.TokenizerConfig(source), Path.Combine(Directory, "tokenizer_config.json"));
        var spec = new TinySpec
        {
            ModelType = "llama", VocabSize = SharedTokenizers.Llama3Instruct.VocabularySize, HiddenSize = 32, IntermediateSize = 64,
            Layers = 1, Heads = 2, KvHeads = 1, HeadDim = 16, TieWordEmbeddings = true, MaxPositionEmbeddings = 2048,
            BosTokenId = 128000, EosTokenId = 128009,
        };
        TinyCheckpoint.Write(Directory, spec, seed: 5);
        Client = LocalChatClient.Load(Directory);
    }

    public string Directory { get; }

    public LocalChatClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

public sealed class LocalChatClientTests(TinyLocalJudgeModel tiny) : IClassFixture<TinyLocalJudgeModel>
{
    private static readonly AiChatMessage[] Conversation =
    [
        new(ChatRole.System, "You grade answers."),
        new(ChatRole.User, "Explain how a bicycle works."),
    ];

    [Fact]
    public async Task The_reply_is_the_text_of_direct_greedy_generation_on_the_templated_prompt()
    {
        var template = ChatTemplate.ForModelDirectory(tiny.Directory);
        var tokenizer = SharedTokenizers.Llama3Instruct;
        var expectedIds = tokenizer.Encode(template.Render(
            [TurnMessage.System("You grade answers."), TurnMessage.User("Explain how a bicycle works.")], addGenerationPrompt: true));
        Assert.Equal(expectedIds, tiny.Client.PromptIds(Conversation));

        using var model = CausalLanguageModel.Load(tiny.Directory);
        var stops = StopTokens.FromModelDirectory(tiny.Directory, tokenizer);
        var direct = new BatchGenerator(model).Generate([new GenerationRequest(expectedIds, SamplingOptions.Greedy(12), 0, stops)])[0];

        var response = await tiny.Client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 12, Temperature = 0 });

        Assert.Equal(tokenizer.Decode(direct.TokenIds), response.Text);
        Assert.Equal(direct.TokenIds.Count, response.Usage!.OutputTokenCount);
        Assert.Equal(expectedIds.Length, response.Usage.InputTokenCount);
        Assert.Equal(direct.FinishReason == FinishReason.Stop ? ChatFinishReason.Stop : ChatFinishReason.Length, response.FinishReason);
        Assert.StartsWith(LocalChatClient.Prefix, response.ModelId);
    }

    [Fact]
    public async Task Streaming_returns_the_same_text_and_other_roles_are_refused()
    {
        var options = new ChatOptions { MaxOutputTokens = 6 };
        var whole = await tiny.Client.GetResponseAsync(Conversation, options);
        var streamed = await tiny.Client.GetStreamingResponseAsync(Conversation, options).ToChatResponseAsync();
        Assert.Equal(whole.Text, streamed.Text);
        await Assert.ThrowsAsync<ArgumentException>(() => tiny.Client.GetResponseAsync([new AiChatMessage(ChatRole.Tool, "x")]));
    }

    [Fact]
    public async Task A_judge_over_the_local_model_gives_a_verdict_and_never_throws()
    {
        var (client, name, limits) = JudgeBackends.CreateClient(LocalChatClient.Prefix + tiny.Directory);
        using var judge = new ChatClientJudge(client, name, limits with { MaxOutputTokens = 16 }, ownsClient: true);
        Assert.Equal(1, limits.MaxConcurrency);

        var verdict = await judge.JudgeAsync(new JudgeRequest("Explain how a bicycle works.", "Pedals turn the chain.", "cheese"));

        // A random model writes gibberish: no <json> block, so an error verdict that keeps the raw reply.
        Assert.False(verdict.Succeeded);
        Assert.NotNull(verdict.RawReply);
        Assert.Null(verdict.Attempts);
        Assert.StartsWith(LocalChatClient.Prefix, name);
    }
}
