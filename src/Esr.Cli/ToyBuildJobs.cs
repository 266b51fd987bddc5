using System.Diagnostics;
using System.Globalization;
using Esr.Kernel.Toy;

namespace Esr.Cli;

/// <summary>
/// <c>esr toy build --jobs N</c>: each group of sizes that <see cref="ToyZooTools.PlanJobs"/> makes is built by a child
/// esr process into a part folder inside the zoo folder, all at once, and <see cref="ToyZooTools.Combine"/> gathers them.
/// Processes, not threads: two trainings on threads of one process crashed libtorch (ToyZooBuilder's remarks). Each
/// child's files equal a one-process build's, since a size's models depend on nothing else and the thread count is the same.
/// </summary>
internal static class ToyBuildJobs
{
    /// <summary>Builds the groups at once and gathers them; the children's lines go to stderr, each after its job's name.</summary>
    /// <exception cref="InvalidOperationException">A child failed; its lines above say why.</exception>
    public static async Task<IReadOnlyList<ToyZooEntry>> RunAsync(
        string folder, IReadOnlyList<IReadOnlyList<string>> groups, int threads, string recipe, CancellationToken cancellationToken)
    {
        var parts = groups.Select((_, index) => Path.Combine(folder, $".part-{index + 1}")).ToArray();
        var children = groups.Select((sizes, index) => Start(sizes, parts[index], threads, recipe, $"[job {index + 1}, size {string.Join(" and ", sizes)}]")).ToArray();
        try
        {
            using (cancellationToken.Register(() => Array.ForEach(children, child => child.Kill(entireProcessTree: true))))
                await Task.WhenAll(children.Select(child => child.WaitForExitAsync(CancellationToken.None)));
            cancellationToken.ThrowIfCancellationRequested();
            var failed = groups.Where((_, index) => children[index].ExitCode != 0).Select(sizes => string.Join(" and ", sizes)).ToArray();
            if (failed.Length > 0)
                throw new InvalidOperationException($"the build of size {string.Join("; size ", failed)} failed (its lines above say why); the other sizes stay in {folder}/.part-*");
            return ToyZooTools.Combine(folder, parts, recipe);
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }
    }

    private static Process Start(IReadOnlyList<string> sizes, string part, int threads, string recipe, string name)
    {
        var start = SelfProcess.StartInfo(["toy", "build", "--out", part, "--jobs", "1", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--recipe", recipe, .. sizes.SelectMany(size => new[] { "--size", size })]);
        start.RedirectStandardError = start.RedirectStandardOutput = true;
        var child = new Process { StartInfo = start };
        DataReceivedEventHandler forward = (_, line) =>
        {
            if (line.Data is not null) Console.Error.WriteLine($"{name} {line.Data}");
        };
        child.ErrorDataReceived += forward;
        child.OutputDataReceived += forward;
        child.Start();
        child.BeginErrorReadLine();
        child.BeginOutputReadLine();
        return child;
    }
}
