using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Esr.Cli.Tests;

/// <summary>Every kind of bad input: a non-zero exit status, exactly one line on stderr, nothing on stdout.</summary>
[Collection(TinyLlamaCollection.Name)]
public class BadInputTests(TinyLlama tiny)
{
    public static TheoryData<string> Cases =>
    [
        "no command", "unknown command", "unknown option", "missing required option", "option without value",
        "tokenizer file missing", "tokenizer file not json",
        "model directory missing", "model directory without config", "config not json", "config with unknown model type",
        "weights truncated", "weights missing",
        "ids empty", "ids with an empty entry", "ids not numbers", "ids negative", "id outside the vocabulary",
        "unknown dtype",
        "steer vector without colon", "steer vector without file", "steer vector with a non-numeric block",
        "steer vector file missing", "steer vector not npy", "steer vector float64", "steer vector two-dimensional",
        "steer vector fortran order", "steer vector truncated data", "steer vector of the wrong width", "steer vector block outside the model",
        "temperature negative", "temperature not a number", "top-p zero", "top-p above one", "repetition penalty zero",
        "max tokens negative", "seed not an integer", "unknown architecture",
        "steer without sae", "sae without layer", "sae without interventions", "steer without equals", "steer value not a number",
        "steer value infinite", "steer latent negative", "clamp latent not a number", "ablate empty", "ablate with an empty entry",
        "steer latent outside the sae", "sae layer outside the model", "sae missing", "sae of the wrong width", "sae config not json",
        "latents without layer", "latents top zero", "latents sae missing", "generate steer value not a number",
        "bench steering batch zero", "bench steering sae narrower than the ablation", "bench magics feed without the package",
        "random-model into a non-empty folder", "random-model with too many layers", "random-model with too wide a model",
        "random-model with too large a vocabulary",
        "max tokens beyond the context", "ids longer than the context", "n-trials negative", "calibration steps negative",
        "weights holding NaN", "config with fewer blocks than the weights", "config with a negative head_dim", "weights offsets beyond a long",
        "steer vector holding NaN", "sae d_in not an integer", "sae k too large for an integer", "sae pth without data.pkl",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_exits_non_zero_with_one_stderr_line_and_nothing_on_stdout(string name)
    {
        var run = await CliRun.InProcessAsync(Args(name));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("esr: ", line);
        Assert.DoesNotContain("   at ", run.Stderr); // no stack trace
        Assert.EndsWith("\n", run.Stderr);
    }

    [Theory]
    [InlineData("steer vector float64", "'descr'")]
    [InlineData("steer vector two-dimensional", "'shape'")]
    [InlineData("steer vector fortran order", "'fortran_order'")]
    [InlineData("steer vector of the wrong width", "d_model")]
    [InlineData("ids not numbers", "--ids")]
    [InlineData("unknown dtype", "--dtype")]
    [InlineData("weights truncated", "model.safetensors")]
    [InlineData("steer value not a number", "--steer '1=big'")]
    [InlineData("ablate with an empty entry", "--ablate")]
    [InlineData("steer latent outside the sae", "latent 32")]
    [InlineData("sae of the wrong width", "d_model is 64")]
    [InlineData("sae config not json", "cfg.json")]
    [InlineData("sae layer outside the model", "--layer 2")]
    [InlineData("latents without layer", "--layer")]
    [InlineData("random-model into a non-empty folder", "is not empty; expected an empty or new directory (--force")]
    [InlineData("max tokens beyond the context", "plus 30 new tokens (--max-tokens) needs")]
    [InlineData("max tokens beyond the context", "max_position_embeddings is 32")]
    [InlineData("ids longer than the context", "a sequence of 9 tokens is longer than the model's context: config.json max_position_embeddings is 8")]
    [InlineData("weights holding NaN", "'model.embed_tokens.weight' holds NaN")]
    [InlineData("config with fewer blocks than the weights", "field 'num_hidden_layers' is 1")]
    [InlineData("config with a negative head_dim", "field 'head_dim' is -16, expected a positive integer")]
    [InlineData("weights offsets beyond a long", "'data_offsets' [0, 18446744073709551615]")]
    [InlineData("steer vector holding NaN", "element 0 is NaN")]
    [InlineData("sae d_in not an integer", "field 'd_in' is 2.5, expected an integer")]
    [InlineData("sae k too large for an integer", "field 'k' is 1e20, expected an integer")]
    [InlineData("sae pth without data.pkl", "data.pkl")]
    [InlineData("bench magics feed without the package", "--feed: no Esr.Magics.<version>.nupkg in")]
    public async Task The_error_line_names_the_file_field_or_option_at_fault(string name, string named)
    {
        var run = await CliRun.InProcessAsync(Args(name));

        Assert.Contains(named, run.Stderr);
    }

    [Theory]
    [InlineData("random-model with too many layers", "--layers must be at most 32, not 33")]
    [InlineData("random-model with too wide a model", "--hidden-size must be at most 1024, not 1032")]
    [InlineData("random-model with too large a vocabulary", "--vocab-size must be at most 262144, not 262145")]
    [InlineData("n-trials negative", "--n-trials must be at least 1, not -1")]
    [InlineData("calibration steps negative", "--calibration-steps must be at least 1, not -1")]
    public async Task A_count_outside_its_range_is_a_usage_error_naming_the_option_and_the_range(string name, string line)
    {
        var run = await CliRun.InProcessAsync(Args(name));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal($"esr: {line}", Assert.Single(run.StderrLines));
    }

    [Theory]
    [InlineData("no command")]
    [InlineData("steer vector float64")]
    [InlineData("weights truncated")]
    [InlineData("id outside the vocabulary")]
    public async Task The_built_executable_keeps_stdout_empty_on_bad_input(string name)
    {
        var run = await CliRun.ChildProcessAsync(Args(name));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.StderrLines);
    }

    private string[] Args(string name)
    {
        var model = tiny.ModelDirectory;
        string[] Logits(params string[] extra) => ["logits", "--model", model, "--ids", "128000,849", .. extra];
        string[] Generate(params string[] extra) => ["generate", "--model", model, "--prompt", "Hi", .. extra];
        string[] WithSae(params string[] extra) => Logits(["--sae", SaeCommandTests.WriteSae(tiny.NewFolder()), .. extra]);
        string[] Latents(params string[] extra) => ["latents", "--model", model, "--text", "Hi", .. extra];
        string[] Steer(string file, int block = 0) => Logits("--steer-vector", $"{block}:{file}");
        return name switch
        {
            "no command" => [],
            "unknown command" => ["frobnicate"],
            "unknown option" => Logits("--bogus"),
            "missing required option" => ["tokenize", "--text", "x"],
            "option without value" => ["tokenize", "--tokenizer", TestFiles.Llama3TokenizerJson, "--text"],
            "tokenizer file missing" => ["tokenize", "--tokenizer", Path.Combine(tiny.Root, "absent.json"), "--text", "x"],
            "tokenizer file not json" => ["tokenize", "--tokenizer", Write("tokenizer.json", "{ not json"), "--text", "x"],
            "model directory missing" => ["logits", "--model", Path.Combine(tiny.Root, "absent"), "--ids", "1"],
            "model directory without config" => ["logits", "--model", tiny.NewFolder(), "--ids", "1"],
            "config not json" => ["logits", "--model", ModelWith("config.json", "{"), "--ids", "1"],
            "config with unknown model type" => ["logits", "--model", ModelWith("config.json",
                File.ReadAllText(Path.Combine(model, "config.json")).Replace("\"llama\"", "\"mistral\"")), "--ids", "1"],
            "weights truncated" => ["logits", "--model", ModelWith("model.safetensors",
                File.ReadAllBytes(Path.Combine(model, "model.safetensors"))[..4096]), "--ids", "1"],
            "weights missing" => ["logits", "--model", ConfigOnly(), "--ids", "1"],
            "ids empty" => ["logits", "--model", model, "--ids", ""],
            "ids with an empty entry" => ["logits", "--model", model, "--ids", "1,,2"],
            "ids not numbers" => ["logits", "--model", model, "--ids", "1,two"],
            "ids negative" => ["logits", "--model", model, "--ids", "-1"],
            "id outside the vocabulary" => ["logits", "--model", model, "--ids", "128000,128256"],
            "unknown dtype" => Logits("--dtype", "float16"),
            "steer vector without colon" => Logits("--steer-vector", "vector.npy"),
            "steer vector without file" => Logits("--steer-vector", "0:"),
            "steer vector with a non-numeric block" => Logits("--steer-vector", $"first:{Npy("ok.npy", "<f4", "False", "(64,)", 64)}"),
            "steer vector file missing" => Steer(Path.Combine(tiny.Root, "absent.npy")),
            "steer vector not npy" => Steer(Write("text.npy", "0.5,0.5")),
            "steer vector float64" => Steer(Npy("f8.npy", "<f8", "False", "(64,)", 128)),
            "steer vector two-dimensional" => Steer(Npy("2d.npy", "<f4", "False", "(8, 8)", 64)),
            "steer vector fortran order" => Steer(Npy("fortran.npy", "<f4", "True", "(64,)", 64)),
            "steer vector truncated data" => Steer(Npy("short.npy", "<f4", "False", "(64,)", 63)),
            "steer vector of the wrong width" => Steer(Npy("wide.npy", "<f4", "False", "(65,)", 65)),
            "steer vector block outside the model" => Steer(Npy("ok.npy", "<f4", "False", "(64,)", 64), block: 2),
            "temperature negative" => Generate("--temperature", "-0.1"),
            "temperature not a number" => Generate("--temperature", "warm"),
            "top-p zero" => Generate("--top-p", "0"),
            "top-p above one" => Generate("--top-p", "1.5"),
            "repetition penalty zero" => Generate("--repetition-penalty", "0"),
            "max tokens negative" => Generate("--max-tokens", "-5"),
            "seed not an integer" => Generate("--seed", "1.5"),
            "unknown architecture" => ["random-model", "--out", tiny.NewFolder(), "--architecture", "gpt2"],
            "steer without sae" => Logits("--layer", "0", "--steer", "1=2"),
            "sae without layer" => WithSae("--steer", "1=2"),
            "sae without interventions" => WithSae("--layer", "0"),
            "steer without equals" => WithSae("--layer", "0", "--steer", "12"),
            "steer value not a number" => WithSae("--layer", "0", "--steer", "1=big"),
            "steer value infinite" => WithSae("--layer", "0", "--steer", "1=Infinity"),
            "steer latent negative" => WithSae("--layer", "0", "--steer", "-1=2"),
            "clamp latent not a number" => WithSae("--layer", "0", "--clamp", "x=2"),
            "ablate empty" => WithSae("--layer", "0", "--ablate", ""),
            "ablate with an empty entry" => WithSae("--layer", "0", "--ablate", "1,,2"),
            "steer latent outside the sae" => WithSae("--layer", "0", "--steer", $"{SaeCommandTests.Width}=1"),
            "sae layer outside the model" => WithSae("--layer", "2", "--steer", "1=1"),
            "sae missing" => Logits("--sae", Path.Combine(tiny.Root, "absent-sae"), "--layer", "0", "--steer", "1=1"),
            "sae of the wrong width" => Logits("--sae", SaeCommandTests.WriteSae(tiny.NewFolder(), dIn: 48), "--layer", "0", "--steer", "1=1"),
            "sae config not json" => Logits("--sae", SaeWithConfig("{"), "--layer", "0", "--steer", "1=1"),
            "latents without layer" => Latents("--sae", SaeCommandTests.WriteSae(tiny.NewFolder())),
            "latents top zero" => Latents("--sae", SaeCommandTests.WriteSae(tiny.NewFolder()), "--layer", "0", "--top", "0"),
            "latents sae missing" => Latents("--sae", Path.Combine(tiny.Root, "absent.npz"), "--layer", "0"),
            "generate steer value not a number" => Generate("--sae", SaeCommandTests.WriteSae(tiny.NewFolder()), "--layer", "0", "--steer", "1=x"),
            "bench steering batch zero" => ["bench", "steering", "--batch", "0"],
            "bench steering sae narrower than the ablation" => ["bench", "steering", "--sae-width", "25"],
            "bench magics feed without the package" => ["bench", "magics", "--feed", Directory.CreateTempSubdirectory("esr-empty-feed-").FullName],
            "random-model into a non-empty folder" => ["random-model", "--out", ModelWith("notes.txt", "mine")],
            "random-model with too many layers" => ["random-model", "--out", tiny.NewFolder(), "--layers", "33"],
            "random-model with too wide a model" => ["random-model", "--out", tiny.NewFolder(), "--hidden-size", "1032"],
            "random-model with too large a vocabulary" => ["random-model", "--out", tiny.NewFolder(), "--vocab-size", "262145"],
            "max tokens beyond the context" => ["generate", "--model", ConfigEdited("\"max_position_embeddings\": 4096", "\"max_position_embeddings\": 32"),
                "--prompt", "Hi", "--max-tokens", "30"],
            "ids longer than the context" => ["logits", "--model", ConfigEdited("\"max_position_embeddings\": 4096", "\"max_position_embeddings\": 8"),
                "--ids", string.Join(",", Enumerable.Repeat(849, 9))],
            "n-trials negative" => ["experiment", "1", "--model", model, "--judge", "toy", "--n-trials", "-1"],
            "calibration steps negative" => ["experiment", "1", "--model", model, "--judge", "toy", "--calibration-steps", "-1"],
            "weights holding NaN" => ["logits", "--model", WeightsEdited((header, data) =>
            {
                var begin = (long)header["model.embed_tokens.weight"]!["data_offsets"]![0]!;
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)begin), float.NaN);
            }), "--ids", "1"],
            "config with fewer blocks than the weights" => ["logits", "--model", ConfigEdited("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1"), "--ids", "1"],
            "config with a negative head_dim" => ["logits", "--model", ConfigEdited("\"head_dim\": 16", "\"head_dim\": -16"), "--ids", "1"],
            "weights offsets beyond a long" => ["logits", "--model", WeightsEdited((header, _) =>
                header["model.norm.weight"]!["data_offsets"] = new JsonArray(0, ulong.MaxValue)), "--ids", "1"],
            "steer vector holding NaN" => Steer(Npy("nan.npy", "<f4", "False", "(64,)", 64, fill: float.NaN)),
            "sae d_in not an integer" => Logits("--sae", SaeWithConfig("""{"architecture": "standard", "d_in": 2.5}"""), "--layer", "0", "--steer", "1=1"),
            "sae k too large for an integer" => Logits("--sae", SaeWithConfig("""{"architecture": "topk", "k": 1e20}"""), "--layer", "0", "--steer", "1=1"),
            "sae pth without data.pkl" => Logits("--sae", ZipWithoutPickle("sae.pth"), "--layer", "0", "--steer", "1=1"),
            _ => throw new ArgumentException($"no such case: {name}"),
        };
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(tiny.NewFolder(), name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A copy of the tiny model directory whose config.json has <paramref name="text"/> replaced.</summary>
    private string ConfigEdited(string text, string replacement)
    {
        var config = File.ReadAllText(Path.Combine(tiny.ModelDirectory, "config.json"));
        Assert.Contains(text, config);
        return ModelWith("config.json", config.Replace(text, replacement));
    }

    /// <summary>A copy of the tiny model directory whose model.safetensors header and data <paramref name="edit"/> changed.</summary>
    private string WeightsEdited(Action<JsonObject, byte[]> edit)
    {
        var bytes = File.ReadAllBytes(Path.Combine(tiny.ModelDirectory, "model.safetensors"));
        var headerLength = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var header = JsonNode.Parse(bytes.AsSpan(8, headerLength))!.AsObject();
        var data = bytes[(8 + headerLength)..];
        edit(header, data);
        var newHeader = Encoding.UTF8.GetBytes(header.ToJsonString());
        var file = new byte[8 + newHeader.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(file, newHeader.Length);
        newHeader.CopyTo(file, 8);
        data.CopyTo(file, 8 + newHeader.Length);
        return ModelWith("model.safetensors", file);
    }

    /// <summary>A zip named like a torch.save file but holding no data.pkl.</summary>
    private string ZipWithoutPickle(string name)
    {
        var path = Path.Combine(tiny.NewFolder(), name);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        using var version = archive.CreateEntry("archive/version").Open();
        version.Write("3\n"u8);
        return path;
    }

    /// <summary>A copy of the tiny model directory with one file replaced.</summary>
    private string ModelWith(string name, object content)
    {
        var copy = tiny.NewFolder();
        foreach (var file in Directory.GetFiles(tiny.ModelDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var path = Path.Combine(copy, name);
        if (content is string text) File.WriteAllText(path, text);
        else File.WriteAllBytes(path, (byte[])content);
        return copy;
    }

    private string SaeWithConfig(string config)
    {
        var folder = SaeCommandTests.WriteSae(tiny.NewFolder());
        File.WriteAllText(Path.Combine(folder, "cfg.json"), config);
        return folder;
    }

    private string ConfigOnly()
    {
        var folder = tiny.NewFolder();
        File.Copy(Path.Combine(tiny.ModelDirectory, "config.json"), Path.Combine(folder, "config.json"));
        return folder;
    }

    /// <summary>A .npy file with the given header fields and data size in 4-byte words, each holding <paramref name="fill"/>.</summary>
    private string Npy(string name, string descr, string fortranOrder, string shape, int words, float fill = 0)
    {
        var header = Encoding.Latin1.GetBytes($"{{'descr': '{descr}', 'fortran_order': {fortranOrder}, 'shape': {shape}, }}\n");
        var bytes = new byte[10 + header.Length + 4 * words];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        header.CopyTo(bytes, 10);
        for (var word = 0; word < words; word++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(10 + header.Length + 4 * word), fill);
        var path = Path.Combine(tiny.NewFolder(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
