using System.Buffers.Binary;
using System.Text;
using Esr.Kernel.Interventions;

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
        "bench steering batch zero", "bench steering sae narrower than the ablation",
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
    public async Task The_error_line_names_the_file_field_or_option_at_fault(string name, string named)
    {
        var run = await CliRun.InProcessAsync(Args(name));

        Assert.Contains(named, run.Stderr);
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
            _ => throw new ArgumentException($"no such case: {name}"),
        };
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(tiny.NewFolder(), name);
        File.WriteAllText(path, text);
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

    /// <summary>A .npy file with the given header fields and data size in 4-byte words.</summary>
    private string Npy(string name, string descr, string fortranOrder, string shape, int words)
    {
        var header = Encoding.Latin1.GetBytes($"{{'descr': '{descr}', 'fortran_order': {fortranOrder}, 'shape': {shape}, }}\n");
        var bytes = new byte[10 + header.Length + 4 * words];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        header.CopyTo(bytes, 10);
        var path = Path.Combine(tiny.NewFolder(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
