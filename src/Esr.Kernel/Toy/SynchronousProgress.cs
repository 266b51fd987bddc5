namespace Esr.Kernel.Toy;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread at once (Progress&lt;T&gt; posts to a context, out of order).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
