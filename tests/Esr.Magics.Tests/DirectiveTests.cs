using Esr.Kernel;
using Esr.Kernel.Judging;
using Microsoft.DotNet.Interactive.Events;

namespace Esr.Magics.Tests;

/// <summary>Every <c>#!esr</c> subcommand of part 1 run as a notebook cell in an in-process composite kernel.</summary>
public sealed class DirectiveTests
{
    private const string Toy = "toy-s-base";
    private const string Prompt = "Explain how to bake bread.";

    [Fact]
    public async Task Load_shows_the_model_card_as_html_with_a_text_fallback_and_keeps_the_model_in_the_session()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var events = await kernel.RunAsync($"#!esr load {Toy}");

        var card = Assert.Single(events.OfType<DisplayedValueProduced>());
        Assert.Equal(["text/html", "text/plain"], card.FormattedValues.Select(value => value.MimeType));
        var model = kernel.Session.Model!;
        var html = MagicsKernel.Html(card);
        foreach (var fact in new[] { "Llama", "blocks", "d_model", "float32", "cpu", $"{model.Sae!.Width} latents", model.Sae.Point.ToString(), "labelled latents" })
            Assert.Contains(fact, html);
        Assert.Equal(ModelCard.Of(model).ToString(), MagicsKernel.Plain(card));
        Assert.Equal(Toy, model.Name);
    }

    [Fact]
    public async Task Generate_streams_the_text_into_one_display_that_is_updated_in_place_and_ends_with_the_completion()
    {
        using var kernel = await MagicsKernel.StartAsync();
        kernel.Session.StreamInterval = TimeSpan.Zero;
        await kernel.RunAsync($"#!esr load {Toy}");

        var events = await kernel.RunAsync($"#!esr generate \"{Prompt}\" --max-tokens 24 --seed 3 --temperature 0.5");

        var shown = Assert.Single(events.OfType<DisplayedValueProduced>());
        var updates = events.OfType<DisplayedValueUpdated>().ToArray();
        Assert.True(updates.Length >= 3, $"{updates.Length} updates");
        Assert.All(updates, update => Assert.Equal(shown.ValueId, update.ValueId));
        var texts = updates.Select(MagicsKernel.Plain).ToArray();
        for (var i = 1; i < texts.Length; i++) Assert.StartsWith(texts[i - 1], texts[i]);
        var completion = Assert.IsType<Completion>(updates[^1].Value);
        Assert.Equal(completion.Text, texts[^1]);
        Assert.Contains("esr-completion", MagicsKernel.Html(updates[^1]));
        Assert.Equal((3, 0.5, 24), (completion.Seed, completion.Settings.Temperature, completion.Settings.MaxTokens));
        Assert.Same(completion, kernel.Session.LastCompletion);
    }

    [Fact]
    public async Task Generate_with_name_binds_the_completion_to_a_csharp_variable()
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");

        var events = await kernel.RunAsync($"#!esr generate \"{Prompt}\" --max-tokens 16 --name answer");

        var shown = Assert.IsType<Completion>(events.OfType<DisplayedValueUpdated>().Last().Value);
        Assert.Same(shown, await kernel.EvaluateAsync("answer"));
        Assert.Equal(shown.Text, await kernel.EvaluateAsync("answer.Text"));
    }

    [Fact]
    public async Task Compare_shows_the_default_and_steered_completions_side_by_side_scored_by_the_toy_models_judge()
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");
        var penguins = kernel.Session.Model!.Reference.Toy!.SubjectLatents["penguins"];

        var events = await kernel.RunAsync($"#!esr generate \"{Prompt}\" --steer {penguins}=12 --compare --max-tokens 40 --seed 1 --name both");

        var update = events.OfType<DisplayedValueUpdated>().Last();
        Assert.Equal(Assert.Single(events.OfType<DisplayedValueProduced>()).ValueId, update.ValueId);
        var judged = Assert.IsType<JudgedComparison>(await kernel.EvaluateAsync("both"));
        Assert.Same(judged, update.Value);
        Assert.Equal("toy-exact", judged.Steered!.Judge);
        Assert.Equal(kernel.Session.Model.Sae!.Label(penguins), judged.Default!.Request.FeatureLabel);
        Assert.Equal(judged.Comparison.Steered.Text, judged.Steered.Request.Response);
        Assert.Equal(Steering.Add(penguins, 12), judged.Comparison.Steering);
        var html = MagicsKernel.Html(update);
        Assert.Contains("esr-compare", html);
        Assert.Contains($"steered &#183; steer {penguins}=12", html);
        Assert.Contains("judge toy-exact", html);
        Assert.Equal(judged.ToString(), MagicsKernel.Plain(update));
        Assert.Same(judged.Comparison.Steered, kernel.Session.LastCompletion);
    }

    [Fact]
    public async Task Ladder_runs_one_completion_per_boost_with_the_same_seed_and_shows_each_as_a_scored_row()
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");
        var penguins = kernel.Session.Model!.Reference.Toy!.SubjectLatents["penguins"];

        var events = await kernel.RunAsync($"#!esr generate \"{Prompt}\" --steer {penguins} --ladder 0,6,12 --max-tokens 30 --seed 2 --name rungs");

        var judged = Assert.IsType<JudgedLadder>(events.OfType<DisplayedValueUpdated>().Last().Value);
        Assert.Same(judged, await kernel.EvaluateAsync("rungs"));
        Assert.Equal([0, 6, 12], judged.Ladder.Rungs.Select(rung => rung.Boost));
        Assert.All(judged.Ladder.Rungs, rung => Assert.Equal(2, rung.Completion.Seed));
        Assert.Equal(3, judged.Verdicts!.Count);
        Assert.Equal("none", judged.Ladder.Rungs[0].Completion.Steering.ToString());
        var html = MagicsKernel.Html(events.OfType<DisplayedValueUpdated>().Last());
        Assert.Equal(3, html.Split("<tr><th>").Length - 1 - 1); // three rows after the header row
    }

    [Fact]
    public async Task Latents_colour_the_tokens_by_the_latent_most_active_on_the_text_and_hovering_lists_each_token_s_top_latents()
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");

        var events = await kernel.RunAsync("#!esr latents \"Tell me about penguins.\" --top 3 --name trace");

        var shown = Assert.Single(events.OfType<DisplayedValueProduced>());
        var heatmap = Assert.IsType<LatentHeatmap>(shown.Value);
        Assert.Same(heatmap, await kernel.EvaluateAsync("trace"));
        var pooled = heatmap.Trace.MaxPool(skipSpecialTokens: true);
        var strongest = heatmap.Trace.Latents[Array.IndexOf(pooled, pooled.Max())];
        Assert.Equal([strongest], heatmap.Colored);
        var html = MagicsKernel.Html(shown);
        Assert.Equal(heatmap.Tokens.Count, html.Split("class=\"esr-token\"").Length - 1);
        var top = heatmap.Trace.Top(3)[2].First();
        Assert.Contains($"{top.Latent} {heatmap.Trace.Label(top.Latent)}: ", html);
    }

    [Fact]
    public async Task Latents_with_chosen_latents_draw_one_row_each_even_when_they_are_in_no_token_s_top()
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");
        var penguins = kernel.Session.Model!.Reference.Toy!.SubjectLatents["penguins"];
        var quiet = Enumerable.Range(0, kernel.Session.Model.Sae!.Width).First(latent => latent != penguins
            && !kernel.Session.Model.ReadLatents("Tell me about penguins.", top: 1).Latents.Contains(latent));

        var events = await kernel.RunAsync($"#!esr latents \"Tell me about penguins.\" --top 1 --latent {penguins},{quiet}");

        var heatmap = Assert.IsType<LatentHeatmap>(Assert.Single(events.OfType<DisplayedValueProduced>()).Value);
        Assert.Equal([penguins, quiet], heatmap.Colored);
        Assert.Equal(2, MagicsKernel.Html(Assert.Single(events.OfType<DisplayedValueProduced>())).Split("class=\"esr-tokens\"").Length - 1);
        Assert.All(heatmap.Trace.Top(1), top => Assert.True(top.Count <= 1));
    }

    [Fact]
    public async Task Judge_without_a_response_grades_the_last_generation_with_the_session_judge_as_a_table()
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");
        await kernel.RunAsync($"#!esr generate \"{Prompt}\" --max-tokens 40 --seed 4");

        var events = await kernel.RunAsync("#!esr judge --label \"subject:penguins\" --name verdict");

        var shown = Assert.Single(events.OfType<DisplayedValueProduced>());
        var verdict = Assert.IsType<Verdict>(await kernel.EvaluateAsync("verdict"));
        Assert.Same(verdict, shown.Value);
        Assert.Equal(kernel.Session.LastCompletion!.Text, verdict.Request.Response);
        Assert.Equal("subject:penguins", verdict.Request.FeatureLabel);
        Assert.Equal("toy-exact", verdict.Judge);
        Assert.NotEmpty(verdict.Attempts);
        Assert.Equal(verdict.Attempts.Count + 1, MagicsKernel.Html(shown).Split("<tr>").Length - 1);
        Assert.Equal(verdict.ToString(), MagicsKernel.Plain(shown));
    }

    [Fact]
    public async Task Judge_grades_a_given_prompt_and_response_without_a_model_and_its_judge_becomes_the_session_judge()
    {
        using var kernel = await MagicsKernel.StartAsync();
        const string response = "To start, mix flour, water and salt in a large bowl so the loaf rises well.";

        var events = await kernel.RunAsync($"#!esr judge --prompt \"{Prompt}\" --response \"{response}\" --judge toy");

        var verdict = Assert.IsType<Verdict>(Assert.Single(events.OfType<DisplayedValueProduced>()).Value);
        Assert.Equal(new Kernel.Judging.JudgeRequest(Prompt, response, "none"), verdict.Request);
        Assert.Equal([100.0], verdict.Attempts.Select(attempt => attempt.Score));
        Assert.Equal("toy", kernel.Session.JudgeSpec);
    }

    [Fact]
    public async Task Help_lists_every_subcommand_and_explains_one_subcommand_s_options_and_each_experiment_s()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var all = MagicsKernel.Plain(Assert.Single((await kernel.RunAsync("#!esr help")).OfType<DisplayedValueProduced>()));
        var bare = MagicsKernel.Plain(Assert.Single((await kernel.RunAsync("#!esr")).OfType<DisplayedValueProduced>()));
        var generate = MagicsKernel.Plain(Assert.Single((await kernel.RunAsync("#!esr help generate")).OfType<DisplayedValueProduced>()));

        foreach (var usage in new[] { "#!esr load <model>", "#!esr generate <prompt>", "#!esr latents <text>", "#!esr judge [--prompt <p>]", "#!esr help" })
            Assert.Contains(usage, all);
        Assert.Contains("#!esr experiment <1|2|3|3a|4|5|6|7|8|9|10>", all);
        Assert.Contains("#!esr figure <id> --results <dir>[,...]", all);
        Assert.DoesNotContain("catalog]", all);
        Assert.Equal(all, bare);
        foreach (var option in new[] { "<prompt>:", "--steer <value>:", "--compare:", "--ladder <value>:", "--name <value>:" })
            Assert.Contains(option, generate);
        var experiment = MagicsKernel.Plain(Assert.Single((await kernel.RunAsync("#!esr help experiment")).OfType<DisplayedValueProduced>()));
        foreach (var definition in Workbench.Experiments.All)
            Assert.Contains($"experiment {definition.Id} ({definition.Title}): ", experiment);
        Assert.Contains("--model <dir|name> [--sae]", experiment);
    }

    public static TheoryData<string, string> BadCells => new()
    {
        { "#!esr generate \"x\"", "#!esr generate: no model loaded (run #!esr load <model> first, e.g. #!esr load toy-m-sa60)" },
        { $"#!esr load {Toy} --dtyp bfloat16", "#!esr load: unknown option --dtyp (expected --model, --dtype, --device, --sae, --layer)" },
        { "#!esr lod toy", "#!esr: no subcommand 'lod' (expected one of load, generate, latents, judge, experiment, figure, help; #!esr help)" },
        { "#!esr help figures", "#!esr help: no subcommand 'figures' (expected one of load, generate, latents, judge, experiment, figure, help)" },
        { $"#!esr load {Toy} --layer two", "#!esr load: --layer 'two' is not an integer" },
        { "#!esr judge", "#!esr judge: no judge set: give --judge (toy, an alias, a model id, local:<dir> or an endpoint URL)" },
        { "#!esr judge --judge toy", "#!esr judge: nothing to judge: run #!esr generate first, or give --prompt and --response" },
        { "#!esr judge --prompt p", "#!esr judge: give --prompt and --response together (got only --prompt), or neither to judge the last generation" },
    };

    [Theory]
    [MemberData(nameof(BadCells))]
    public async Task A_bad_cell_fails_with_one_diagnostic_line_and_the_kernel_goes_on(string cell, string message)
    {
        using var kernel = await MagicsKernel.StartAsync();

        var events = await kernel.SubmitAsync(cell);

        var failed = Assert.Single(events.OfType<CommandFailed>());
        Assert.Equal(message, failed.Message);
        Assert.Contains(events.OfType<DiagnosticsProduced>(), produced => produced.Diagnostics.Any(diagnostic => diagnostic.Message == message));
        Assert.Empty(events.OfType<DisplayedValueProduced>());
        Assert.Equal(2, await kernel.EvaluateAsync("1 + 1"));
    }

    public static TheoryData<string, string> BadCellsWithAModel => new()
    {
        { "#!esr generate \"x\" --steer 3=lots", "#!esr generate: --steer '3=lots': the value 'lots' is not a finite number" },
        { "#!esr generate \"x\" --ablate 3,,4", "#!esr generate: --ablate '3,,4' has an empty item (expected comma-separated latents, e.g. 12,345)" },
        { "#!esr generate \"x\" --steer 999999=1", "#!esr generate: steering: latent 999999 is outside the SAE toy-s-base SAE (latents 0 to 3583)" },
        { "#!esr generate \"x\" --compare", "#!esr generate: --compare needs a steering to compare against: --steer, --clamp or --ablate" },
        { "#!esr generate \"x\" --steer 5=2 --ladder 0,4", "#!esr generate: --ladder needs --steer with one latent and no value (e.g. --steer 754 --ladder 0,8,16); got --steer '5=2'" },
        { "#!esr generate \"x\" --temperature hot", "#!esr generate: --temperature 'hot' is not a finite number" },
        { "#!esr generate \"x\" --name \"my var\"", "#!esr generate: --name 'my var' is not a C# variable name (letters, digits and _, not starting with a digit)" },
        { "#!esr latents \"x\" --top 0", "#!esr latents: --top is 0 (expected 1 or more)" },
        { "#!esr load /nonexistent/model", "#!esr load: model '/nonexistent/model' is not a directory" },
    };

    [Theory]
    [MemberData(nameof(BadCellsWithAModel))]
    public async Task A_bad_cell_after_a_load_fails_with_one_line_and_keeps_the_loaded_model(string cell, string message)
    {
        using var kernel = await MagicsKernel.StartAsync();
        await kernel.RunAsync($"#!esr load {Toy}");
        var model = kernel.Session.Model;

        var events = await kernel.SubmitAsync(cell);

        var failed = Assert.Single(events.OfType<CommandFailed>());
        Assert.StartsWith(message, failed.Message);
        Assert.DoesNotContain('\n', failed.Message);
        Assert.Same(model, kernel.Session.Model);
        await kernel.RunAsync("#!esr generate \"Explain how to bake bread.\" --max-tokens 4");
    }

    [Fact]
    public async Task An_sae_of_another_width_is_refused_naming_both_widths()
    {
        using var kernel = await MagicsKernel.StartAsync();

        var failed = Assert.Single((await kernel.SubmitAsync($"#!esr load {Toy} --sae toy-m-sa60")).OfType<CommandFailed>());

        Assert.Matches(@"^#!esr load: .*sae: the SAE reads d_in = 96 but toy-s-base's d_model is \d+$", failed.Message);
    }

    [Fact]
    public async Task A_folder_without_model_files_is_refused_naming_the_missing_file()
    {
        using var kernel = await MagicsKernel.StartAsync();
        var folder = Directory.CreateTempSubdirectory("esr-empty-model-").FullName;
        try
        {
            var failed = Assert.Single((await kernel.SubmitAsync($"#!esr load {folder}")).OfType<CommandFailed>());

            Assert.Equal($"#!esr load: {folder}/config.json: file not found (expected a Hugging Face config.json)", failed.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
