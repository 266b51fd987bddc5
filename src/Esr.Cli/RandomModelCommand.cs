using System.CommandLine;
using Esr.Kernel;
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

    // Upper bounds on the shape, checked before anything is allocated: at the largest (vocab 262144, d_model 1024,
    // 32 blocks) the weights are 0.57G parameters, 2.3 GB in float32, written in seconds.
    public const int MaxVocabularySize = 262144, MaxHiddenSize = 1024, MaxLayers = 32;

    public static Command Create(TextWriter output)
    {
        var outDirectory = new Option<string>("--out") { Description = "Directory to write (created if needed; must be empty unless --force)", HelpName = "dir", Required = true };
        var force = new Option<bool>("--force")
        {
            Description = "Write into a non-empty --out: replace config.json and model.safetensors, and remove tokenizer files the new checkpoint does not bring",
        };
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
        var vocabularySize = CliOptions.Integer("--vocab-size", 256, $"Vocabulary size when no --tokenizer is given (at most {MaxVocabularySize})", minimum: 3, maximum: MaxVocabularySize);
        var hiddenSize = CliOptions.Integer("--hidden-size", 64, $"d_model, a multiple of 8 (4 heads of d_model/4), at most {MaxHiddenSize}", minimum: 8, maximum: MaxHiddenSize);
        var layers = CliOptions.Integer("--layers", 2, $"Number of decoder blocks (at most {MaxLayers})", minimum: 1, maximum: MaxLayers);
        var seed = CliOptions.Integer("--seed", 0, "Seed of the random weights");
        var command = new Command("random-model", "Write a tiny random checkpoint (config.json, model.safetensors, tokenizer files) for trying the engine")
        {
            outDirectory, force, architecture, tokenizerPath, vocabularySize, hiddenSize, layers, seed,
        };
        command.SetAction(parse =>
        {
            var d = parse.GetValue(hiddenSize);
            if (d % 8 != 0) throw new EsrInputException($"--hidden-size must be a multiple of 8, not {d}");
            var directory = parse.GetRequiredValue(outDirectory);
            if (File.Exists(directory)) throw new EsrInputException($"--out '{directory}' is a file; expected a directory");
            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any() && !parse.GetValue(force))
                throw new EsrInputException($"--out '{directory}' is not empty; expected an empty or new directory (--force replaces the checkpoint in it)");
            var gemma = parse.GetValue(architecture) == "gemma2";
            var tokenizer = parse.GetValue(tokenizerPath) is { } path ? TokenizerFiles.Find(path) : null;

            var spec = Spec(gemma, d, parse.GetValue(layers), parse.GetValue(vocabularySize));
            if (tokenizer is not null)
            {
                using var loaded = Workbench.LoadTokenizer(tokenizer.Json);
                if (loaded.VocabularySize > MaxVocabularySize)
                    throw new EsrInputException($"--tokenizer '{tokenizer.Json}' has {loaded.VocabularySize} tokens; at most {MaxVocabularySize} are supported");
                spec = spec with
                {
                    VocabSize = loaded.VocabularySize,
                    BosTokenId = FirstToken(loaded, gemma ? ["<bos>"] : ["<|begin_of_text|>"]) ?? spec.BosTokenId,
                    EosTokenId = FirstToken(loaded, gemma ? ["<eos>"] : ["<|eot_id|>", "<|end_of_text|>"]) ?? spec.EosTokenId,
                };
            }
            TinyCheckpoint.Write(directory, spec, parse.GetValue(seed), AtomicFile.Write);
            TokenizerFiles.Replace(directory, tokenizer);
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
            if (!File.Exists(json)) throw new EsrInputException($"--tokenizer '{path}': no tokenizer.json there");
            var folder = Path.GetDirectoryName(Path.GetFullPath(json))!;
            return new TokenizerFiles(json, TokenizerCompanions.Select(name => Path.Combine(folder, name)).Where(File.Exists).ToArray());
        }

        /// <summary>
        /// Puts the tokenizer files of <paramref name="tokenizer"/> (none when null) in <paramref name="directory"/>, each
        /// file whole, and removes the tokenizer files it does not bring: they would describe another vocabulary.
        /// </summary>
        public static void Replace(string directory, TokenizerFiles? tokenizer)
        {
            var sources = tokenizer?.Companions.ToDictionary(path => Path.GetFileName(path)) ?? [];
            if (tokenizer is not null) sources["tokenizer.json"] = tokenizer.Json;
            foreach (var name in TokenizerCompanions.Prepend("tokenizer.json"))
            {
                var target = Path.Combine(directory, name);
                if (sources.TryGetValue(name, out var source)) AtomicFile.Write(target, temporary => File.Copy(source, temporary));
                else File.Delete(target);
            }
        }
    }
}
