using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Esr.Cli.Benchmarks;
using Esr.Kernel.Benchmarks;
using Esr.LlamaCpp;

namespace Esr.Cli;

/// <summary>
/// <c>esr bench engine</c>: the engine's speed against llama.cpp on the same weights, and the peak memory of loading
/// a ≥ 2 GB checkpoint, printed as the markdown table that docs/PERFORMANCE.md holds. Progress goes to stderr.
/// </summary>
internal static class BenchCommand
{
    private const string LoadMemoryCommand = "load-memory";

    public static Command Create(TextWriter output)
    {
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes", HelpName = "list", DefaultValueFactory = _ => "1,8,32" };
        var promptTokens = CliOptions.Integer("--prompt-tokens", 128, "Prompt length of every sequence", minimum: 1);
        var newTokens = CliOptions.Integer("--new-tokens", 32, "Tokens generated per sequence (greedy)", minimum: 2);
        var repeats = CliOptions.Integer("--repeats", 3, "Runs per configuration; the median is reported", minimum: 1);
        var threads = CliOptions.Integer("--threads", Environment.ProcessorCount, "Threads for both engines", minimum: 1);
        var skipLoad = new Option<bool>("--skip-load") { Description = "Skip the loading-memory measurement (it writes a 2.6 GB checkpoint)" };
        var work = new Option<string>("--work") { Description = "Directory for the random checkpoints (default: a new temp directory, deleted after)", HelpName = "dir" };

        var engine = new Command("engine", "Prefill and decode tokens/s of the engine and of llama.cpp on a random 125M-parameter fp32 Llama at each batch size, and peak memory while loading a 2.6 GB checkpoint")
        {
            batches, promptTokens, newTokens, repeats, threads, skipLoad, work,
        };
        engine.SetAction(parse =>
        {
            var sizes = ParseBatches(parse.GetValue(batches)!);
            var directory = parse.GetValue(work) ?? Directory.CreateTempSubdirectory("esr-bench-").FullName;
            var temporary = parse.GetValue(work) is null;
            try
            {
                var run = new EngineBenchmark(Console.Error).MeasureSpeed(directory, sizes, parse.GetValue(promptTokens), parse.GetValue(newTokens), parse.GetValue(repeats), parse.GetValue(threads));
                var load = parse.GetValue(skipLoad) ? null : MeasureLoadInChildProcess(directory);
                output.Write(EngineBenchmark.Markdown(run, load, "esr " + string.Join(' ', parse.Tokens.Select(token => token.Value))));
            }
            finally
            {
                if (temporary) Directory.Delete(directory, recursive: true);
            }
            return ExitCodes.Success;
        });

        var model = CliOptions.ModelDirectory();
        var loadMemory = new Command(LoadMemoryCommand, "Load a model and print resident bytes before, at peak, and the checkpoint's tensor bytes (used by bench engine in a fresh process)")
        {
            model,
        };
        loadMemory.Hidden = true;
        loadMemory.SetAction(parse =>
        {
            var load = LoadMemory.Measure(parse.GetRequiredValue(model));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{load.BaselineBytes} {load.PeakBytes} {load.DataBytes}"));
            return ExitCodes.Success;
        });

        return new Command("bench", "Benchmarks") { engine, loadMemory, Steering(output), Magics(output), Toy(output), Sampling(output) };
    }

    /// <summary><c>esr bench steering</c>: generation speed with SAE interventions and readouts against none.</summary>
    private static Command Steering(TextWriter output)
    {
        var batch = CliOptions.Integer("--batch", 8, "Sequences generated together", minimum: 1);
        var promptTokens = CliOptions.Integer("--prompt-tokens", 64, "Prompt length of every sequence", minimum: 1);
        var newTokens = CliOptions.Integer("--new-tokens", 32, "Tokens generated per sequence (greedy)", minimum: 2);
        var repeats = CliOptions.Integer("--repeats", 3, "Runs per configuration, interleaved; the median is reported", minimum: 1);
        var threads = CliOptions.Integer("--threads", Environment.ProcessorCount, "Threads", minimum: 1);
        var width = CliOptions.Integer("--sae-width", 16_384, "Latents of the random SAE", minimum: SteeringCost.AblatedLatents);
        var work = new Option<string>("--work") { Description = "Directory for the random checkpoint (default: a new temp directory, deleted after)", HelpName = "dir" };
        var command = new Command("steering",
            "Greedy generation tokens/s of one batch unsteered, with one add-mode latent, with a 26-latent ablation and with a full-SAE readout, "
            + "on a random 125M-parameter Llama and a random SAE, plus a full SAE encode's cost per token; a markdown table")
        {
            batch, promptTokens, newTokens, repeats, threads, width, work,
        };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(work) ?? Directory.CreateTempSubdirectory("esr-bench-").FullName;
            var temporary = parse.GetValue(work) is null;
            try
            {
                var result = new SteeringBenchmark(Console.Error).Measure(directory, parse.GetValue(batch), parse.GetValue(promptTokens),
                    parse.GetValue(newTokens), parse.GetValue(repeats), parse.GetValue(threads), parse.GetValue(width));
                output.Write(SteeringBenchmark.Markdown(result, "esr " + string.Join(' ', parse.Tokens.Select(token => token.Value))));
            }
            finally
            {
                if (temporary) Directory.Delete(directory, recursive: true);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>esr bench magics</c>: toy experiment 1 through the notebook magic against the facade.</summary>
    private static Command Magics(TextWriter output)
    {
        var feed = new Option<string>("--feed") { Description = "The package feed holding Esr.Magics", HelpName = "dir", DefaultValueFactory = _ => Path.Combine("artifacts", "feed") };
        var extension = new Option<string>("--extension") { Description = "Load this Esr.Magics assembly or package folder into the kernel instead of #i/#r from --feed", HelpName = "dll or dir" };
        var model = new Option<string>("--model") { Description = "The toy model", HelpName = "toy name", DefaultValueFactory = _ => "toy-m-sa60" };
        var trials = CliOptions.Integer("--n-trials", 16, "Trials per latent and condition", minimum: 1);
        var maxTokens = CliOptions.Integer("--max-tokens", 96, "Tokens per answer", minimum: 2);
        var repeats = CliOptions.Integer("--repeats", 5, "Timed runs of each path, interleaved; the median is reported", minimum: 1);
        var command = new Command("magics",
            "Toy experiment 1 through #!esr experiment in the notebook kernel against the same through the facade, and the extension's load time; a markdown table")
        {
            feed, extension, model, trials, maxTokens, repeats,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var work = Directory.CreateTempSubdirectory("esr-bench-magics-").FullName;
            try
            {
                var result = await new MagicsBenchmark(Console.Error).MeasureAsync(parse.GetValue(feed)!, parse.GetValue(extension), parse.GetValue(model)!,
                    parse.GetValue(trials), parse.GetValue(maxTokens), parse.GetValue(repeats), work);
                output.Write(MagicsBenchmark.Markdown(result, "esr " + string.Join(' ', parse.Tokens.Select(token => token.Value))));
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>esr bench sampling</c>: picking a decoding step's tokens at a large vocabulary, on one thread and on the thread pool.</summary>
    private static Command Sampling(TextWriter output)
    {
        var vocabulary = CliOptions.Integer("--vocabulary", 128_256, "Logits a row (Llama-3's vocabulary by default)", minimum: 2);
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes", HelpName = "list", DefaultValueFactory = _ => "1,8,32" };
        var temperature = new Option<double>("--temperature") { Description = "0 for greedy", DefaultValueFactory = _ => 0.6 };
        var topP = new Option<double>("--top-p") { Description = "The nucleus (1 keeps every token); no repetition penalty", DefaultValueFactory = _ => 1.0 };
        var repeats = CliOptions.Integer("--repeats", 10, "Timed steps each way, interleaved; the median is reported", minimum: 1);
        var command = new Command("sampling",
            "Milliseconds to pick one decoding step's tokens from random logits (normal, standard deviation 2.5), the rows one after another on one thread and on the thread pool; a markdown table")
        {
            vocabulary, batches, temperature, topP, repeats,
        };
        command.SetAction(parse =>
        {
            var result = SamplingSpeed.Measure(parse.GetValue(vocabulary), ParseBatches(parse.GetValue(batches)!), parse.GetValue(temperature), parse.GetValue(topP),
                parse.GetValue(repeats));
            output.Write(SamplingBenchmark.Markdown(result, "esr " + string.Join(' ', parse.Tokens.Select(token => token.Value))));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>esr bench toy</c>: the toy zoo's decoding against a bare libtorch loop, and toy experiment 1's trials/min.</summary>
    private static Command Toy(TextWriter output)
    {
        var models = new Option<string>("--models") { Description = "Comma-separated toy models", HelpName = "list", DefaultValueFactory = _ => "toy-s-base,toy-m-base,toy-l-base" };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes", HelpName = "list", DefaultValueFactory = _ => "1,16" };
        var promptTokens = CliOptions.Integer("--prompt-tokens", 16, "Prompt length of every sequence", minimum: 1);
        var newTokens = CliOptions.Integer("--new-tokens", 64, "Tokens generated per sequence (greedy)", minimum: 2);
        var repeats = CliOptions.Integer("--repeats", 3, "Runs per configuration, interleaved; the median is reported", minimum: 1);
        var trials = CliOptions.Integer("--n-trials", 4, "Toy experiment 1: trials per latent and condition", minimum: 1);
        var maxTokens = CliOptions.Integer("--max-tokens", 96, "Toy experiment 1: tokens per answer", minimum: 2);
        var threads = CliOptions.Integer("--threads", Environment.ProcessorCount, "Threads", minimum: 1);
        var command = new Command("toy",
            "Decode tokens/s of each toy model against a bare libtorch forward loop of the same weights at each batch size, and toy experiment 1's trials per minute; a markdown table")
        {
            models, batches, promptTokens, newTokens, repeats, trials, maxTokens, threads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var names = parse.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0) throw new EsrInputException("--models is empty");
            var work = Directory.CreateTempSubdirectory("esr-bench-toy-").FullName;
            try
            {
                var result = await new ToyBenchmark(Console.Error).MeasureAsync(names, ParseBatches(parse.GetValue(batches)!), parse.GetValue(promptTokens),
                    parse.GetValue(newTokens), parse.GetValue(repeats), parse.GetValue(trials), parse.GetValue(maxTokens), parse.GetValue(threads), work);
                output.Write(ToyBenchmark.Markdown(result, "esr " + string.Join(' ', parse.Tokens.Select(token => token.Value))));
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static int[] ParseBatches(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sizes = parts.Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw new EsrInputException($"--batches must be positive integers separated by commas, not '{text}'")).ToArray();
        return sizes.Length > 0 ? sizes : throw new EsrInputException("--batches is empty");
    }

    /// <summary>Writes the large checkpoint, then loads it in a fresh esr process so nothing else inflates the peak.</summary>
    private static LoadMemory MeasureLoadInChildProcess(string directory)
    {
        var checkpoint = Path.Combine(directory, "large-model");
        Console.Error.WriteLine($"writing a random {EngineBenchmark.LargeModel.Layers}-layer d={EngineBenchmark.LargeModel.HiddenSize} Llama to {checkpoint}");
        TinyCheckpoint.Write(checkpoint, EngineBenchmark.LargeModel, seed: 2);
        var start = SelfProcess.StartInfo(["bench", LoadMemoryCommand, "--model", checkpoint]);
        start.RedirectStandardOutput = true;
        using var child = Process.Start(start)!;
        var line = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"the loading-memory process failed with exit status {child.ExitCode}");
        var values = line.Split(' ').Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        return new LoadMemory(values[0], values[1], values[2]);
    }
}
