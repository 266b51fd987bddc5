using System.Diagnostics;
using System.Text.Json;
using Esr.Kernel.Text;

namespace Esr.Kernel.Tests.Text;

/// <summary>
/// Batches questions for the independent JavaScript reference (Text/Reference/reference.cjs: @lenml/tokenizers and
/// @huggingface/jinja under node) and asks them in one node run.
/// </summary>
internal sealed class NodeReference
{
    public const string Llama3Instruct = "llama3-instruct";
    public const string Gemma2 = "gemma2";

    private readonly List<object> _encode = [];
    private readonly List<object> _decode = [];
    private readonly List<object> _render = [];

    /// <summary>Asks for the ids of a text; returns the answer's index.</summary>
    public int Encode(string tokenizer, string text, bool addSpecialTokens)
    {
        _encode.Add(new { tokenizer, text, addSpecialTokens });
        return _encode.Count - 1;
    }

    /// <summary>Asks for the text of ids (no clean-up of tokenization spaces); returns the answer's index.</summary>
    public int Decode(string tokenizer, IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        _decode.Add(new { tokenizer, ids, skipSpecialTokens });
        return _decode.Count - 1;
    }

    /// <summary>Asks for the text of the ids that an earlier <see cref="Encode"/> question gets back.</summary>
    public int DecodeEncoded(string tokenizer, int encodeIndex, bool skipSpecialTokens)
    {
        _decode.Add(new { tokenizer, idsOfEncode = encodeIndex, skipSpecialTokens });
        return _decode.Count - 1;
    }

    /// <summary>
    /// Asks for a chat template rendered as transformers calls it (messages, bos_token, add_generation_prompt);
    /// <paramref name="template"/> is a .jinja file or a tokenizer_config.json. Returns the answer's index.
    /// </summary>
    public int Render(string template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, string bosToken)
    {
        _render.Add(new
        {
            template,
            context = new
            {
                messages = messages.Select(m => new { role = m.Role, content = m.Content }),
                bos_token = bosToken,
                add_generation_prompt = addGenerationPrompt,
            },
        });
        return _render.Count - 1;
    }

    public Answer Run()
    {
        var request = JsonSerializer.Serialize(new
        {
            lenml = ReferenceFiles.LenmlTokenizersScript,
            jinja = ReferenceFiles.JinjaScript,
            tokenizers = new Dictionary<string, object>
            {
                [Llama3Instruct] = Files(ReferenceFiles.Llama3InstructDirectory),
                [Gemma2] = Files(ReferenceFiles.Gemma2Directory),
            },
            encode = _encode,
            decode = _decode,
            render = _render,
        });
        var script = ReferenceFiles.RepositoryFile("tests", "Esr.Kernel.Tests", "Text", "Reference", "reference.cjs");
        var output = RunNode(script, request);
        using var answer = JsonDocument.Parse(output);
        var root = answer.RootElement;
        return new Answer(
            root.GetProperty("encode").EnumerateArray().Select(ids => ids.EnumerateArray().Select(i => i.GetInt32()).ToArray()).ToArray(),
            root.GetProperty("decode").EnumerateArray().Select(text => text.GetString()!).ToArray(),
            root.GetProperty("render").EnumerateArray().Select(item =>
                item.TryGetProperty("text", out var text)
                    ? new Rendered(text.GetString(), null)
                    : new Rendered(null, item.GetProperty("error").GetString())).ToArray());
    }

    private static object Files(string directory) => new
    {
        json = ReferenceFiles.TokenizerJson(directory),
        config = ReferenceFiles.TokenizerConfig(directory),
    };

    private static string RunNode(string script, string request)
    {
        var start = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "node is not installed: run `bash environment/setup.sh`, which installs it.", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(request);
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The node reference ran for more than two minutes.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"The node reference failed (exit {process.ExitCode}): {stderr.Result[^Math.Min(2000, stderr.Result.Length)..]}");
            return stdout.Result;
        }
    }

    /// <summary>The answers, by the indices the questions returned.</summary>
    public sealed record Answer(int[][] Encoded, string[] Decoded, Rendered[] Rendered);

    /// <summary>A rendered template, or the error the template raised.</summary>
    public sealed record Rendered(string? Text, string? Error);
}
