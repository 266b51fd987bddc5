namespace Esr.Notebooks.Tests;

[Collection(KernelCollection.Name)]
public sealed class NotebookPageTests : IDisposable
{
    // A 1x1 PNG.
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private readonly string _directory = Directory.CreateTempSubdirectory("esr-notebook-page-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_page_renders_markdown_embeds_images_includes_html_outputs_and_escapes_the_rest()
    {
        var path = new TestNotebook()
            .Markdown("# Results\n\nSome *emphasis* and <b>raw tags</b>.\n\n| model | ESR |\n|---|---|\n| toy-s | 4.2 |")
            .Code($"using Microsoft.DotNet.Interactive;\nKernelInvocationContextExtensions.DisplayAs(KernelInvocationContext.Current, \"{Png}\", \"image/png\");")
            .Code("display(HTML(\"<table class=\\\"frame\\\"><tr><td>42</td></tr></table>\"));")
            .Code("if (1 < 2) Console.WriteLine(\"<script>alert('x')</script> & more\");")
            .WriteTo(_directory, "page.ipynb");
        var runner = new NotebookRunner(new NotebookRunOptions(Path.Combine(_directory, "out")) { Html = true });

        var run = await runner.RunAsync(runner.Prepare(path));

        Assert.True(run.Succeeded, run.FailureLine);
        Assert.Equal(Path.Combine(_directory, "out", "page.html"), run.HtmlPath);
        var page = File.ReadAllText(run.HtmlPath!);
        Assert.Contains("<h1 id=\"results\">Results</h1>", page);
        Assert.Contains("<em>emphasis</em>", page);
        Assert.Contains("&lt;b&gt;raw tags&lt;/b&gt;", page);
        Assert.Contains("<td>toy-s</td>", page);
        Assert.Contains($"<img alt=\"\" src=\"data:image/png;base64,{Png}\">", page);
        Assert.Contains("<table class=\"frame\"><tr><td>42</td></tr></table>", page);
        Assert.Contains("if (1 &lt; 2)", page);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more", page);
        Assert.DoesNotContain("<script>", page);
    }

    [Fact]
    public async Task The_page_of_a_failed_notebook_names_the_failed_cell_and_shows_its_error()
    {
        var path = new TestNotebook().Code("throw new Exception(\"bad <input>\");").WriteTo(_directory, "fails.ipynb");
        var runner = new NotebookRunner(new NotebookRunOptions(Path.Combine(_directory, "out")) { Html = true });

        var run = await runner.RunAsync(runner.Prepare(path));

        var page = File.ReadAllText(run.HtmlPath!);
        Assert.Contains("<p class=\"failed\">Failed at cell 1 (&quot;throw new Exception(&quot;bad &lt;input&gt;&quot;);&quot;): System.Exception: bad &lt;input&gt;</p>", page);
        Assert.Contains("<pre class=\"error\">System.Exception: bad &lt;input&gt;", page);
    }
}
