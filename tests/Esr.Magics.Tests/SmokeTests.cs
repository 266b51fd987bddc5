using Microsoft.DotNet.Interactive.Events;

namespace Esr.Magics.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Smoke()
    {
        using var kernel = await MagicsKernel.StartAsync();
        kernel.Session.StreamInterval = TimeSpan.Zero;
        foreach (var cell in new[] { "#!esr load toy-s-base", "#!esr generate \"Explain how to bake bread.\" --max-tokens 20 --name answer", "answer.Text", "#!esr help", "#!esr generate \"x\" --steer 3=lots", "#!esr load toy-s-base --bogus 1", "#!esr bogus", "#!esr", "#!esr help generate", "#!esr load /tmp" })
        {
            var events = await kernel.SubmitAsync(cell);
            Console.WriteLine($"== {cell}");
            foreach (var e in events) Console.WriteLine($"  {e.GetType().Name}: {(e as DisplayEvent)?.FormattedValues.FirstOrDefault()?.Value?.Split('\n')[0]} {(e as CommandFailed)?.Message} {(e as DisplayEvent)?.ValueId}");
        }
    }
}
