using System.Text.Json;

namespace AiAspire.Contracts.Router;

/// <summary>A function the model may call: its name, what it does, and the JSON schema of its arguments.</summary>
public sealed record ToolDefinition(string Name, string? Description = null, JsonElement? Parameters = null);

/// <summary>How the model may use the tools.</summary>
/// <param name="Mode"><see cref="Auto"/>, <see cref="None"/>, <see cref="Required"/> (some tool) or <see cref="Function"/> (<paramref name="FunctionName"/>).</param>
public sealed record ToolChoice(string Mode, string? FunctionName = null)
{
    public const string Auto = "auto";
    public const string None = "none";
    public const string Required = "required";
    public const string Function = "function";
}

/// <summary>A call the model asks the caller to make; <see cref="Arguments"/> is the JSON text the model wrote.</summary>
public sealed record ToolCall(string Id, string Name, string Arguments);
