using System.Runtime.InteropServices;
using System.Text;

namespace Esr.Cli;

/// <summary>
/// The process's result stream and diagnostic stream, with file descriptor 1 pointed at stderr so that whatever
/// native libraries (libtorch, the Rust tokenizers) or managed libraries print can never mix into the results
/// that scripts parse. Only <see cref="Output"/> reaches the real stdout.
/// </summary>
internal sealed class StandardStreams : IDisposable
{
    private const int StandardOutput = 1, StandardError = 2;

    /// <summary>The real stdout: results only.</summary>
    public TextWriter Output { get; }

    /// <summary>stderr: the one-line error messages.</summary>
    public TextWriter Error { get; }

    private StandardStreams(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
    }

    /// <summary>Takes stdout away from everything but <see cref="Output"/>.</summary>
    public static StandardStreams Isolate()
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var error = new StreamWriter(Console.OpenStandardError(), encoding) { AutoFlush = true };
        Console.SetError(error);
        Console.SetOut(error); // managed libraries that write to Console.Out end up on stderr

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            var saved = Duplicate(StandardOutput);
            if (saved >= 0 && DuplicateTo(StandardError, StandardOutput) >= 0)
            {
                return new StandardStreams(new StreamWriter(new DescriptorStream(saved), encoding, bufferSize: 1 << 16), error);
            }
        }
        // Elsewhere (or if the descriptors cannot be duplicated) managed redirection is the best on offer.
        return new StandardStreams(new StreamWriter(Console.OpenStandardOutput(), encoding, bufferSize: 1 << 16), error);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Output.Dispose();
        }
        catch (IOException)
        {
            // The reader went away (a closed pipe); there is nowhere left to report it.
        }
        Error.Flush();
    }

    /// <summary>
    /// Writes with write(2). A FileStream over the descriptor would use pwrite at its own offset when stdout is a
    /// regular file, and the shell's later writes to the same file would then overwrite ours.
    /// </summary>
    private sealed class DescriptorStream(int descriptor) : Stream
    {
        private const int Interrupted = 4, BrokenPipe = 32; // EINTR, EPIPE

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            fixed (byte* start = buffer)
            {
                var done = 0;
                while (done < buffer.Length)
                {
                    var written = WriteBytes(descriptor, start + done, (nint)(buffer.Length - done));
                    if (written < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == Interrupted) continue;
                        throw new IOException(errno == BrokenPipe
                            ? "stdout was closed before all output was written (broken pipe)"
                            : $"writing to stdout failed (errno {errno})");
                    }
                    done += (int)written;
                }
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) CloseDescriptor(descriptor);
            base.Dispose(disposing);
        }
    }

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern unsafe nint WriteBytes(int descriptor, byte* buffer, nint count);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int CloseDescriptor(int descriptor);

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Duplicate(int descriptor);

    [DllImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static extern int DuplicateTo(int descriptor, int target);
}
