using Esr.Kernel.Experiments;
using Esr.Kernel.Saes;

namespace Esr.Kernel.Tests.Saes;

public class LatentLabelsTests
{
    private static LatentLabels Parse(string text) => LatentLabels.Parse(new StringReader(text), "labels.csv");

    private static LatentLabelFormatException Fails(string text) => Assert.Throws<LatentLabelFormatException>(() => Parse(text));

    [Fact]
    public void Goodfire_columns_with_quoted_fields_are_read()
    {
        var labels = Parse(
            "index_in_sae,label,status,notes,uuid\r\n" +
            "0,Plain label,ok,,u0\r\n" +
            "1,\"Commas, and \"\"quotes\"\"\",ok,\"a note\nover two lines\",u1\r\n" +
            "3,,ok,,u3\r\n" +
            "2,  Padded  ,ok,,u2");
        Assert.Equal(4, labels.RowCount);
        Assert.Equal("Plain label", labels[0]);
        Assert.Equal("Commas, and \"quotes\"", labels[1]);
        Assert.Equal("Padded", labels[2]);
        Assert.Equal("feature_3", labels[3]);
        Assert.False(labels.HasLabel(3));
        Assert.Equal("feature_99", labels[99]);
        Assert.True(labels.HasLabel(1));
    }

    [Fact]
    public void Columns_are_found_by_header_name()
    {
        var labels = Parse("description,label,index_in_sae\nx,Second,5\n\n");
        Assert.Equal("Second", labels[5]);
        Assert.Equal(1, labels.RowCount);
    }

    [Fact]
    public void Missing_columns_are_named()
    {
        Assert.Contains("labels.csv:1: header has no 'label' column", Fails("index_in_sae,name\n0,x\n").Message);
        Assert.Contains("'index_in_sae'", Fails("label\nx\n").Message);
        Assert.Contains("labels.csv:1: empty file", Fails("").Message);
    }

    [Fact]
    public void A_bad_index_names_file_line_and_field()
    {
        var error = Fails("index_in_sae,label\n0,a\n\"b\nc\",x\nseven,y\n");
        Assert.Contains("labels.csv:3:", error.Message);
        Assert.Equal(3, error.Line);
        Assert.Contains("field 'index_in_sae'", error.Message);
        Assert.Contains("labels.csv:2: field 'index_in_sae': '-1'", Fails("index_in_sae,label\n-1,a\n").Message);
    }

    [Fact]
    public void Short_rows_duplicates_and_open_quotes_are_errors()
    {
        Assert.Contains("labels.csv:2: 1 fields", Fails("index_in_sae,label\n4\n").Message);
        Assert.Contains("labels.csv:3: field 'index_in_sae': latent 4 is labelled twice", Fails("index_in_sae,label\n4,a\n4,b\n").Message);
        Assert.Contains("labels.csv:2: a quoted field is never closed", Fails("index_in_sae,label\n4,\"open\n").Message);
    }

    [Fact]
    public void Files_are_read_and_a_missing_one_is_named()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "index_in_sae,label\n7,Seven\n");
            Assert.Equal("Seven", LatentLabels.Load(path)[7]);
            File.WriteAllText(path, "index_in_sae,label\nx,Seven\n");
            Assert.Equal(path, Assert.Throws<LatentLabelFormatException>(() => LatentLabels.Load(path)).FilePath);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => LatentLabels.Load(path)).Message);
    }

    [Fact]
    public void Labels_pair_with_neuronpedia_links()
    {
        var labels = Parse("index_in_sae,label\n12,Volcanoes\n");
        var link = PaperConfigurations.Gemma9B.NeuronpediaLink(12);
        Assert.Equal("Volcanoes", labels[12]);
        Assert.Equal("https://www.neuronpedia.org/gemma-2-9b/26-gemmascope-res-16k/12", link!.ToString());
    }
}
