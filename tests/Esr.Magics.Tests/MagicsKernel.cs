using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Esr.Magics.Tests;

/// <summary>
/// A notebook's kernel in process, as the host builds it: a composite kernel with a C# kernel (the default) and the
/// magics installed on the composite; the C# kernel references Esr.Kernel as <c>#r "nuget: Esr.Magics"</c> makes it.
/// </summary>
public sealed class MagicsKernel : IDisposable
{
    private MagicsKernel(CompositeKernel kernel, EsrSession session)
    {
        Kernel = kernel;
        Session = session;
    }

    public CompositeKernel Kernel { get; }

    public EsrSession Session { get; }

    public static async Task<MagicsKernel> StartAsync()
    {
        var kernel = new CompositeKernel { new CSharpKernel() };
        kernel.DefaultKernelName = "csharp";
        var session = EsrMagics.Install(kernel);
        var magics = new MagicsKernel(kernel, session);
        magics.Succeeded(await magics.SubmitAsync($"#r \"{typeof(Esr.Kernel.Workbench).Assembly.Location}\""));
        return magics;
    }

    /// <summary>Runs a cell and returns every event it produced.</summary>
    public async Task<IReadOnlyList<KernelEvent>> SubmitAsync(string code) => (await Kernel.SendAsync(new SubmitCode(code))).Events;

    /// <summary>Runs a cell that must succeed.</summary>
    public async Task<IReadOnlyList<KernelEvent>> RunAsync(string code) => Succeeded(await SubmitAsync(code));

    /// <summary>The value a C# expression returns in the C# kernel.</summary>
    public async Task<object?> EvaluateAsync(string expression) =>
        Assert.Single((await RunAsync(expression)).OfType<ReturnValueProduced>()).Value;

    public IReadOnlyList<KernelEvent> Succeeded(IReadOnlyList<KernelEvent> events)
    {
        var failed = events.OfType<CommandFailed>().FirstOrDefault();
        Assert.True(failed is null, failed?.Message);
        return events;
    }

    /// <summary>The text of one mime type of a displayed value.</summary>
    public static string Formatted(DisplayEvent display, string mimeType) =>
        Assert.Single(display.FormattedValues, value => value.MimeType == mimeType).Value;

    public static string Html(DisplayEvent display) => Formatted(display, HtmlFormatter.MimeType);

    public static string Plain(DisplayEvent display) => Formatted(display, PlainTextFormatter.MimeType);

    public void Dispose() => Kernel.Dispose();
}
