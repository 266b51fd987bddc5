using System.CommandLine;

namespace Esr.Cli;

/// <summary><c>esr generate</c>: one completion, streamed as text or returned as one JSON object.</summary>
internal static class GenerateCommand
{
    public static Command Create(TextWriter output)
    {
        var load = new ModelOptions(extraHeader: true, sae: true);
        var prompt = new Option<string>("--prompt") { Description = "The user message (or, with --raw, the whole prompt text)", Required = true };
        var maxTokens = CliOptions.Integer("--max-tokens", 256, "The most tokens to generate (the stop token not counted)", minimum: 0);
        var temperature = CliOptions.Number("--temperature", 0.6, "Sampling temperature; 0 is greedy (the paper always used 0.6)",
            value => value >= 0 && double.IsFinite(value), "a finite number >= 0");
        var topP = CliOptions.Number("--top-p", 1.0, "Nucleus sampling mass; 1 keeps every token",
            value => value > 0 && value <= 1, "in (0, 1]");
        var repetitionPenalty = CliOptions.Number("--repetition-penalty", 1.0,
            "vLLM repetition penalty on every id in the prompt or output (positive logits divided, negative multiplied); 1 is off "
            + "(when not given: the paper's shipped value for a paper name, else 1)",
            value => value > 0 && double.IsFinite(value), "a finite number > 0");
        var seed = CliOptions.Integer("--seed", 0, "Seed of the request's random stream");
        var raw = new Option<bool>("--raw")
        {
            Description = "No chat template: encode the prompt as is, with the special tokens (e.g. BOS) the tokenizer's post-processor adds",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object (prompt, completion, token ids, finish reason, settings) instead of streaming text",
        };
        var steering = new SteeringOptions();
        var command = new Command("generate",
            "Generate a completion of a prompt (as one chat user turn unless --raw), streaming the text followed by a newline; "
            + "stops at the model's end-of-turn tokens; special tokens are left out of the text")
        {
            prompt, maxTokens, temperature, topP, repetitionPenalty, seed, raw, json,
        };
        foreach (var option in load.All.Concat(steering.All)) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new GenerateOptions
            {
                MaxTokens = parse.GetValue(maxTokens),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                RepetitionPenalty = parse.GetResult(repetitionPenalty) is { Implicit: false } ? parse.GetValue(repetitionPenalty) : null,
                Seed = parse.GetValue(seed),
                Raw = parse.GetValue(raw),
                Steering = steering.Read(parse, load.Sae),
            };
            using var model = load.Load(parse);
            var asJson = parse.GetValue(json);
            var completion = model.Generate(parse.GetRequiredValue(prompt), options, asJson ? null : piece =>
            {
                output.Write(piece);
                output.Flush();
            }, cancellationToken);
            output.WriteLine(asJson ? completion.ToJson() : "");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
