using Esr.Kernel.Experiments.Runs;
using Esr.Kernel.Options;

namespace Esr.Kernel.Tests;

public sealed class ExperimentCatalogTests
{
    public static TheoryData<string> Ids => new(Workbench.Experiments.All.Select(definition => definition.Id));

    [Fact]
    public void The_catalog_holds_every_experiment_of_the_paper_once_in_its_order()
    {
        Assert.Equal(["1", "2", "3", "3a", "4", "5", "6", "7", "8", "9", "10"], Workbench.Experiments.All.Select(definition => definition.Id));
        Assert.Equal(SteeringProtocols.All.Select(protocol => protocol.Id).Order(),
            Workbench.Experiments.All.OfType<SteeringRunDefinition>().Select(definition => definition.Id).Order());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_definition_has_a_title_a_description_and_well_formed_unique_options(string id)
    {
        var definition = Workbench.Experiments.Get(id);

        Assert.False(string.IsNullOrWhiteSpace(definition.Title));
        Assert.False(string.IsNullOrWhiteSpace(definition.Description));
        Assert.Equal(definition.Options.Count, definition.Options.Select(option => option.Name).Distinct().Count());
        Assert.All(definition.Figures, figure => Assert.Matches("^(A?[0-9]+|combined)(-[a-z]+)?$", figure));
        Assert.All(definition.Options, option =>
        {
            Assert.Matches("^--[a-z0-9]+(-[a-z0-9]+)*$", option.Name);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), option.Name);
            Assert.False(option.Required && option.Default is not null, $"{option.Name} is required and has a default");
            Assert.Equal(option.Kind == OptionKind.Choice, option.Choices.Count > 0);
            Assert.True(option.Kind is OptionKind.Flag || option.HelpName is { Length: > 0 }, $"{option.Name} has no help name");
            // A default is a value the option itself takes.
            if (option.Default is { } value) Assert.Equal(value, option.Check(value));
        });
        Assert.Contains(definition.Options, option => option.Required);
    }

    [Fact]
    public void An_unknown_id_is_one_input_error_listing_the_ids()
    {
        var error = Assert.Throws<EsrInputException>(() => Workbench.Experiments.Get("11"));

        Assert.Equal("no experiment '11' (expected one of 1, 2, 3, 3a, 4, 5, 6, 7, 8, 9, 10)", error.Message);
    }

    [Fact]
    public async Task Option_values_are_checked_against_the_experiments_options_naming_the_option_and_the_expected_value()
    {
        var experiment = Workbench.Experiments.Get("1");

        var range = Assert.Throws<EsrInputException>(() => OptionValues.Parse(experiment.Options, ["--model", "m", "--judge", "toy", "--n-trials", "0"]));
        var choice = Assert.Throws<EsrInputException>(() => OptionValues.Parse(experiment.Options, ["--model", "m", "--judge", "toy", "--relevance", "some"]));
        var missing = Assert.ThrowsAsync<EsrInputException>(() => experiment.RunAsync(["--model", "m"]));

        Assert.Equal("--n-trials must be at least 1, not 0", range.Message);
        Assert.Equal("--relevance must be all_zero, top100 or none, not 'some'", choice.Message);
        Assert.StartsWith("--judge <alias|url|toy> is required", (await missing).Message);
    }

    [Fact]
    public async Task Steering_definitions_give_their_protocols_defaults_and_refuse_another_experiments_values()
    {
        var sweep = Assert.IsType<SteeringRunDefinition>(Workbench.Experiments.Get("2"));
        var values = OptionValues.Parse(Workbench.Experiments.Get("7").Options, ["--trials", "t", "--out", "o"]);

        Assert.Equal((10, "boost_sweep"), (sweep.Defaults().BoostLevelCount, sweep.Protocol.Condition));
        Assert.True(Assert.IsType<SteeringRunDefinition>(Workbench.Experiments.Get("8")).Defaults().NoSteering);
        await Assert.ThrowsAsync<ArgumentException>(() => sweep.RunAsync(values));
    }
}
