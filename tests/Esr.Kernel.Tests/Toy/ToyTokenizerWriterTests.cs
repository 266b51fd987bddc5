using Esr.Kernel.Tests.Models;
using Esr.Kernel.Text;
using Esr.Kernel.Toy;

namespace Esr.Kernel.Tests.Toy;

/// <summary><see cref="ToyTokenizerWriter"/>: the files load through the normal model-directory code.</summary>
public sealed class ToyTokenizerWriterTests(ToyModelDirectory model) : IClassFixture<ToyModelDirectory>
{
    [Fact]
    public void Every_kind_of_world_text_decodes_back_to_itself()
    {
        var world = ToyWorld.Default;
        var connectors = world.Connectors.ToArray();
        // Per task, every step once, cycling through all connectors and suffixes: every word and every way
        // punctuation meets a word; then every subject sentence, marker and prompt.
        var answers = world.Tasks.Select(t => string.Join(' ', t.Steps.Select((step, i) =>
            ToyWorld.StepSentence(connectors[i % connectors.Length], step, world.SuffixesOf(t)[i % world.SuffixesOf(t).Count]))));
        var prompts = world.Tasks.SelectMany(t => world.TaskTemplates.Select((_, i) => world.TaskPrompt(t.Id, i)))
            .Concat(world.Subjects.SelectMany(s => world.SubjectTemplates.Select((_, i) => world.SubjectPrompt(s.Id, i))));
        var texts = answers.Concat(world.Subjects.Select(s => string.Join(' ', s.Sentences)))
            .Append(string.Join(' ', world.Markers)).Concat(prompts);
        var unknown = model.Tokenizer.TokenToId(ToyTokenizerWriter.Unknown)!.Value;
        foreach (var text in texts)
        {
            var ids = model.Tokenizer.Encode(text);
            Assert.DoesNotContain(unknown, ids);
            Assert.Equal(text, model.Tokenizer.Decode(ids));
        }
    }

    [Fact]
    public void Any_ids_without_special_tokens_decode_to_text_that_encodes_back_to_them()
    {
        // What a steered model writes is no world text; it must still survive decode and encode unchanged.
        var random = new Random(1);
        var words = Enumerable.Range(ToyTokenizerWriter.SpecialTokens.Count,
            model.Tokenizer.VocabularySize - ToyTokenizerWriter.SpecialTokens.Count).ToArray();
        var punctuation = new[] { ".", ",", "?" }.Select(p => model.Tokenizer.TokenToId(p)!.Value).ToArray();
        for (var trial = 0; trial < 300; trial++)
        {
            var ids = Enumerable.Range(0, random.Next(1, 30))
                .Select(_ => random.Next(3) == 0 ? punctuation[random.Next(3)] : words[random.Next(words.Length)]).ToArray();
            Assert.Equal(ids, model.Tokenizer.Encode(model.Tokenizer.Decode(ids)));
        }
    }

    [Fact]
    public void Each_word_and_punctuation_mark_is_one_token()
    {
        var ids = model.Tokenizer.Encode("First, knead the dough on a floured counter.,");
        Assert.Equal(["First", ",", "knead", "the", "dough", "on", "a", "floured", "counter", ".", ","],
            ids.Select(id => model.Tokenizer.IdToToken(id)));
    }

    [Fact]
    public void Special_tokens_come_first_and_the_vocabulary_follows_in_order()
    {
        var world = ToyWorld.Default;
        Assert.Equal(6 + world.Vocabulary.Count, model.Tokenizer.VocabularySize);
        for (var id = 0; id < ToyTokenizerWriter.SpecialTokens.Count; id++)
            Assert.Equal(ToyTokenizerWriter.SpecialTokens[id], model.Tokenizer.IdToToken(id));
        Assert.Equal(world.Vocabulary[0], model.Tokenizer.IdToToken(6));
        Assert.Equal(Enumerable.Range(0, 6).ToHashSet(), model.Tokenizer.SpecialTokenIds.ToHashSet());
    }

    [Fact]
    public void A_word_outside_the_world_becomes_the_unknown_token()
    {
        var unknown = model.Tokenizer.TokenToId(ToyTokenizerWriter.Unknown);
        Assert.Equal([unknown!.Value], model.Tokenizer.Encode("zyzzyva"));
    }

    [Fact]
    public void The_directory_renders_chats_with_the_llama_30_template_without_a_system_header()
    {
        Assert.IsType<Llama30ChatTemplate>(model.Template);
        var text = model.Template.Render([ChatMessage.User("Explain how to bake bread.")], addGenerationPrompt: true);
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nExplain how to bake bread." +
                     "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
        var tokens = model.Tokenizer.Encode(text).Select(id => model.Tokenizer.IdToToken(id));
        Assert.Equal(["<|begin_of_text|>", "<|start_header_id|>", "user", "<|end_header_id|>", "Explain", "how", "to",
            "bake", "bread", ".", "<|eot_id|>", "<|start_header_id|>", "assistant", "<|end_header_id|>"], tokens);
    }

    [Fact]
    public void Generation_stops_at_end_of_turn_and_end_of_text()
    {
        var stops = StopTokens.FromModelDirectory(model.Path, model.Tokenizer);
        Assert.Equal(new[] { ToyTokenizerWriter.EndOfText, ToyTokenizerWriter.EndOfTurn }
            .Select(t => model.Tokenizer.TokenToId(t)!.Value).Order(), stops.Order());
    }

    [Fact]
    public void Asking_for_special_tokens_adds_begin_of_text_as_llama_3_does()
    {
        var ids = model.Tokenizer.Encode("Let me try again.", addSpecialTokens: true);
        Assert.Equal(ToyTokenizerWriter.BeginOfText, model.Tokenizer.IdToToken(ids[0]));
        Assert.Equal(6, ids.Length); // BOS, "Let me try again", "."
    }

    [Fact]
    public void Writing_twice_gives_the_same_files_and_leaves_no_temporary_file()
    {
        using var folder = new TemporaryDirectory();
        var again = Path.Combine(folder.Path, "tokenizer"); // a folder the writer creates
        ToyTokenizerWriter.Write(again, ToyWorld.Default);
        ToyTokenizerWriter.Write(again, ToyWorld.Default);
        Assert.Equal(ToyTokenizerWriter.FileNames.Order(), Directory.GetFiles(again).Select(Path.GetFileName).Order());
        foreach (var name in ToyTokenizerWriter.FileNames)
            Assert.Equal(File.ReadAllText(Path.Combine(model.Path, name)), File.ReadAllText(Path.Combine(again, name)));
    }
}
