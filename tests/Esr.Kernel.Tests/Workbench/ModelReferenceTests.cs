using Esr.Kernel.Experiments;
using Esr.Kernel.Toy;
using Esr.Kernel.Tests.Models;

namespace Esr.Kernel.Tests;

/// <summary>Resolving each kind of model name; the Hugging Face cache is laid out in a temporary folder.</summary>
public sealed class ModelReferenceTests
{
    [Fact]
    public void A_toy_name_resolves_to_its_zoo_folder_and_entry()
    {
        var reference = ModelReference.Resolve("toy-m-sa60");

        Assert.Equal(ModelReferenceKind.Toy, reference.Kind);
        Assert.Equal("toy-m-sa60", reference.Name);
        Assert.Equal(Path.Combine(ToyZoo.Locate(), "toy-m-sa60"), reference.Directory);
        Assert.True(reference.Toy!.SteeringAware);
        Assert.Null(reference.Paper);
    }

    [Fact]
    public void A_zoo_models_folder_resolves_as_that_toy_model_wherever_the_zoo_is()
    {
        var committed = Path.Combine(ToyZoo.Locate(), "toy-m-sa60");
        using var copy = new TemporaryDirectory();
        File.Copy(Path.Combine(ToyZoo.Locate(), ToyZoo.ManifestFile), copy.File(ToyZoo.ManifestFile));
        var moved = Directory.CreateDirectory(copy.File("toy-l-sa60")).FullName;
        var stray = Directory.CreateDirectory(copy.File("toy-xl-base")).FullName;

        Assert.Equal((ModelReferenceKind.Toy, "toy-m-sa60", committed), Of(ModelReference.Resolve(committed + Path.DirectorySeparatorChar)));
        Assert.Equal((ModelReferenceKind.Toy, "toy-l-sa60", moved), Of(ModelReference.Resolve(moved)));
        Assert.Equal(1, ModelReference.Resolve(moved).Toy!.SaeBlock);
        Assert.Equal((ModelReferenceKind.Directory, "toy-xl-base", stray), Of(ModelReference.Resolve(stray))); // not listed in its zoo.json
        static (ModelReferenceKind, string, string) Of(ModelReference reference) => (reference.Kind, reference.Name, reference.Directory);
    }

    [Fact]
    public void An_existing_directory_resolves_to_itself_and_a_cache_snapshot_is_named_after_its_repository()
    {
        using var cache = new HuggingFaceCacheLayout();
        var plain = Directory.CreateDirectory(Path.Combine(cache.Home, "my-model")).FullName;
        var snapshot = cache.Add("someone/Tiny-Chat-1B", plain);

        Assert.Equal(new ModelReference(ModelReferenceKind.Directory, "my-model", plain), ModelReference.Resolve(plain + Path.DirectorySeparatorChar));
        Assert.Equal("Tiny-Chat-1B", ModelReference.Resolve(snapshot).Name);
    }

    [Fact]
    public void A_paper_name_and_a_hugging_face_id_resolve_to_their_snapshots_in_the_cache()
    {
        using var cache = new HuggingFaceCacheLayout();
        var files = Directory.CreateDirectory(Path.Combine(cache.Home, "files")).FullName;
        var llama = cache.Add("meta-llama/Llama-3.1-8B-Instruct", files);
        var other = cache.Add("someone/tiny-chat", files, revision: "feed");

        var paper = ModelReference.Resolve("Llama-3.1-8B", cache.Home);
        var id = ModelReference.Resolve("someone/tiny-chat", cache.Home);

        Assert.Equal(new ModelReference(ModelReferenceKind.Paper, "llama-3.1-8b", llama) { Paper = PaperConfigurations.Llama8B }, paper);
        Assert.Equal(new ModelReference(ModelReferenceKind.HuggingFace, "tiny-chat", other), id);
    }

    [Fact]
    public void An_unknown_name_is_one_input_error_listing_the_toy_and_paper_names()
    {
        var error = Assert.Throws<EsrInputException>(() => ModelReference.Resolve("toy-xl-base"));

        Assert.StartsWith("model 'toy-xl-base' is not a directory, a toy model (toy-s-base, ", error.Message);
        Assert.Contains("a paper model (llama-3.3-70b, llama-3.1-8b, llama-3.1-8b-l19, gemma-2-2b, gemma-2-9b, gemma-2-27b)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("llama-3.1-8b", Workbench.ModelNames);
        Assert.Contains("toy-m-sa60", Workbench.ModelNames);
    }

    [Fact]
    public void A_paper_model_or_id_missing_from_the_cache_names_the_snapshot_folder_expected()
    {
        using var cache = new HuggingFaceCacheLayout();

        var paper = Assert.Throws<EsrInputException>(() => ModelReference.Resolve("gemma-2-2b", cache.Home));
        var id = Assert.Throws<EsrInputException>(() => ModelReference.Resolve("someone/absent", cache.Home));

        Assert.StartsWith("model 'gemma-2-2b' (the paper's Gemma-2-2B-it): google/gemma-2-2b-it is not in the Hugging Face cache: expected "
            + Path.Combine(cache.Home, "hub", "models--google--gemma-2-2b-it"), paper.Message);
        Assert.StartsWith("model 'someone/absent': someone/absent is not in the Hugging Face cache", id.Message);
    }
}

/// <summary>Tests that set HF_HOME run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HuggingFaceHomeCollection
{
    public const string Name = "HF_HOME in the environment";
}

[Collection(HuggingFaceHomeCollection.Name)]
public sealed class HuggingFaceHomeTests
{
    [Fact]
    public void Without_a_cache_root_the_hf_home_variable_names_it()
    {
        using var cache = new HuggingFaceCacheLayout();
        var snapshot = cache.Add("someone/tiny-chat", Directory.CreateDirectory(Path.Combine(cache.Home, "files")).FullName);
        var before = Environment.GetEnvironmentVariable("HF_HOME");
        Environment.SetEnvironmentVariable("HF_HOME", cache.Home);
        try
        {
            Assert.Equal(snapshot, ModelReference.Resolve("someone/tiny-chat").Directory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HOME", before);
        }
    }
}
