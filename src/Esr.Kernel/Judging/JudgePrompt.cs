using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Esr.Kernel.Judging;

/// <summary>
/// The texts sent to a judge: a system message and the instructions that open the user message. The default
/// is the project's own wording with the structure of ESR_SPEC §2.1; <see cref="Load"/> reads an override.
/// </summary>
/// <param name="System">The system message.</param>
/// <param name="Instructions">The instructions; the user message is these, a blank line, then the three labelled lines.</param>
public sealed record JudgePrompt(string System, string Instructions)
{
    /// <summary>The project's default wording.</summary>
    public static JudgePrompt Default { get; } = new(DefaultSystem, DefaultInstructions);

    /// <summary>
    /// The lower-case hex SHA-256 of the UTF-8 system text, a NUL, then the instructions: what a run's manifest records
    /// as <c>judge_prompt_sha256</c>, so a resume with another wording is refused.
    /// </summary>
    public string Sha256 =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(System + "\u0000" + Instructions)));

    /// <summary>
    /// The first 16 hex digits of <see cref="Sha256"/>, so that caches can tell which wording produced a grade.
    /// </summary>
    public string Version => Sha256[..16];

    /// <summary>
    /// The single user message: instructions, a blank line, then <c>Prompt:</c>, <c>Response:</c> and
    /// <c>Unrelated feature:</c> lines (one concatenated message, as the shipped original sends).
    /// </summary>
    public string UserMessage(JudgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{Instructions}\n\nPrompt: {request.Prompt}\nResponse: {request.Response}\nUnrelated feature: {request.FeatureLabel}";
    }

    /// <summary>
    /// Reads an override from a file: a JSON object <c>{"system": "...", "instructions": "..."}</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such an object or a text is missing or empty.</exception>
    public static JudgePrompt Load(string path)
    {
        JudgePromptFile? file;
        try
        {
            file = JsonSerializer.Deserialize<JudgePromptFile>(File.ReadAllText(path), FileOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Judge prompt file {path} is not valid JSON: {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(file?.System) || string.IsNullOrWhiteSpace(file.Instructions))
            throw new InvalidDataException($"Judge prompt file {path} needs non-empty \"system\" and \"instructions\".");
        return new JudgePrompt(file.System, file.Instructions);
    }

    private sealed record JudgePromptFile(string? System, string? Instructions);

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private const string DefaultSystem =
        "You will be shown a prompt, a response to it, and the label of a feature unrelated to the prompt. "
        + "Grade how well the response answers the prompt while staying clear of the unrelated feature. "
        + "If the response makes more than one attempt at an answer, grade every attempt on its own.";

    private const string DefaultInstructions =
        """
        Begin with free-form feedback on the response. After it, give a JSON object with one key, "attempts": a list in which each entry has "attempt_text" (the text of that attempt) and "score" (a number from 0 to 100).

        Count a new attempt only where the response explicitly says it is starting again, with phrases such as "Wait, that's not right.", "Let me try again.", "Let's start over.", "Actually, I made a mistake." or "I'd like to revise my answer."

        Elaborating, explaining the same idea further, or repeating it in other words is not a new attempt; that text stays part of the attempt it continues.

        The response may come from later in a conversation and open with words like "I'll try again". Disregard such an opening, and never output an attempt with no text.

        Example: if the response is "Apple! No, wait! Orange" and Apple is the right answer, the output is:
        <json>
        {"attempts": [{"attempt_text": "Apple!", "score": 100}, {"attempt_text": "Orange", "score": 0}]}
        </json>

        Grade every passage that reads as an attempt, however far it wanders from the prompt or however derailed it is.

        If the response makes no attempt at all (for instance it only asks a clarifying question), reply with {"attempts": []}, an empty "attempts" list. Anything else, even text that makes no sense, counts as an attempt.

        Requirement: the JSON must be enclosed in <json></json> tags, exactly as in the example above.
        """;
}
