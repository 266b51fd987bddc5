using System.CommandLine;
using Esr.Kernel.Text;
using Esr.LlamaCpp;

namespace Esr.Cli;

/// <summary>
/// <c>esr random-model</c>: a tiny random Llama or Gemma-2 checkpoint in Hugging Face layout, optionally with a real
/// tokenizer, so every other command can be tried on a machine with no downloaded model.
/// </summary>
internal static class RandomModelCommand
{
    // Files that travel with a tokenizer.json: the chat template and BOS/EOS strings live in tokenizer_config.json.
    private static readonly string[] TokenizerCompanions = ["tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja"];

    public static Command Create(TextWriter output)
    {
        var outDirectory = new Option<string>("--out") { Description = "Directory to write (created if needed; files of the same name are replaced)", HelpName = "dir", Required = true };
        var architecture = new Option<string>("--architecture")
        {
            Description = "Decoder architecture",
            HelpName = "llama|gemma2",
            DefaultValueFactory = _ => "llama",
            CustomParser = result => result.Tokens.Count == 0 ? "llama" : result.Tokens[^1].Value switch
            {
                "llama" or "gemma2" => result.Tokens[^1].Value,
                var other => Fail(result, $"--architecture must be llama or gemma2, not '{other}'"),
            },
        };
        var tokenizerPath = new Option<string>("--tokenizer")
        {
            Description = "A tokenizer.json (or a directory holding one) to copy in, with its tokenizer_config.json; "
                + "the vocabulary size and BOS/EOS ids are taken from it",
            HelpName = "path",
        };
        var vocabularySize = CliOptions.Integer("--vocab-size", 256, "Vocabulary size when no --tokenizer is given", minimum: 3);
        var hiddenSize = CliOptions.Integer("--hidden-size", 64, "d_model, a multiple of 8 (4 heads of d_model/4)", minimum: 8);
        var layers = CliOptions.Integer("--layers", 2, "Number of decoder blocks", minimum: 1);
        var seed = CliOptions.Integer("--seed", 0, "Seed of the random weights");
        var command = new Command("random-model", "Write a tiny random checkpoint (config.json, model.safetensors, tokenizer files) for trying the engine")
        {
            outDirectory, architecture, tokenizerPath, vocabularySize, hiddenSize, layers, seed,
        };
        command.SetAction(parse =>
        {
            var d = parse.GetValue(hiddenSize);
            if (d % 8 != 0) throw new CliInputException($"--hidden-size must be a multiple of 8, not {d}");
            var directory = parse.GetRequiredValue(outDirectory);
            if (File.Exists(directory)) throw new CliInputException($"--out '{directory}' is a file; expected a directory");
            var gemma = parse.GetValue(architecture) == "gemma2";
            var tokenizer = parse.GetValue(tokenizerPath) is { } path ? TokenizerFiles.Find(path) : null;

            var spec = Spec(gemma, d, parse.GetValue(layers), parse.GetValue(vocabularySize));
            if (tokenizer is not null)
            {
                using var loaded = TextTokenizer.Load(tokenizer.Json);
                spec = spec with
                {
                    VocabSize = loaded.VocabularySize,
                    BosTokenId = FirstToken(loaded, gemma ? ["<bos>"] : ["<|begin_of_text|>"]) ?? spec.BosTokenId,
                    EosTokenId = FirstToken(loaded, gemma ? ["<eos>"] : ["<|eot_id|>", "<|end_of_text|>"]) ?? spec.EosTokenId,
                };
            }
            TinyCheckpoint.Write(directory, spec, parse.GetValue(seed));
            tokenizer?.CopyTo(directory);
            output.WriteLine(
                $"wrote a random {(gemma ? "gemma2" : "llama")} checkpoint to {directory}: vocab {spec.VocabSize}, d_model {spec.HiddenSize}, "
                + $"{spec.Layers} blocks, seed {parse.GetValue(seed)}{(tokenizer is null ? ", no tokenizer" : $", tokenizer from {tokenizer.Json}")}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Small but shaped like the real models: grouped-query attention, Llama-3's rotary base, Gemma-2's caps.</summary>
    private static TinySpec Spec(bool gemma, int hiddenSize, int layers, int vocabularySize)
    {
        var headDim = hiddenSize / 4;
        var spec = new TinySpec
        {
            ModelType = gemma ? "gemma2" : "llama",
            VocabSize = vocabularySize,
            HiddenSize = hiddenSize,
            IntermediateSize = 2 * hiddenSize,
            Layers = layers,
            Heads = 4,
            KvHeads = 2,
            HeadDim = headDim,
            // Tied embeddings halve the file when the vocabulary is Llama-3's 128256 ids.
            TieWordEmbeddings = true,
            MaxPositionEmbeddings = 4096,
        };
        return gemma
            ? spec with { RmsNormEps = 1e-6, QueryPreAttnScalar = headDim, BosTokenId = 2, EosTokenId = 1 }
            : spec with { RopeTheta = 500000 };
    }

    private static int? FirstToken(TextTokenizer tokenizer, string[] candidates) =>
        candidates.Select(tokenizer.TokenToId).FirstOrDefault(id => id is not null);

    private static string Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return "";
    }

    /// <summary>A tokenizer.json and the companion files found beside it.</summary>
    private sealed record TokenizerFiles(string Json, IReadOnlyList<string> Companions)
    {
        public static TokenizerFiles Find(string path)
        {
            var json = Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path;
            if (!File.Exists(json)) throw new CliInputException($"--tokenizer '{path}': no tokenizer.json there");
            var folder = Path.GetDirectoryName(Path.GetFullPath(json))!;
            return new TokenizerFiles(json, TokenizerCompanions.Select(name => Path.Combine(folder, name)).Where(File.Exists).ToArray());
        }

        public void CopyTo(string directory)
        {
            File.Copy(Json, Path.Combine(directory, "tokenizer.json"), overwrite: true);
            foreach (var companion in Companions) File.Copy(companion, Path.Combine(directory, Path.GetFileName(companion)), overwrite: true);
        }
    }
}
