using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Esr.Kernel.Judging;
using Esr.Kernel.Results;

namespace Esr.Kernel.Toy;

/// <summary>The attempts as the LLM judges write them in their reply, so the toy judges' raw replies parse like theirs.</summary>
internal static class ToyJudgeReply
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>&lt;json&gt;{"attempts":[{"attempt_text":...,"score":...}]}&lt;/json&gt;</c>.</summary>
    public static string Json(IReadOnlyList<Attempt> attempts)
    {
        var json = new JsonObject { ["attempts"] = JsonResultFile.Attempts(attempts) };
        return "<json>" + json.ToJsonString(Options) + "</json>";
    }
}
