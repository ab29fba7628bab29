using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.Orchestrator.Templates;

/// <summary>Template files: camelCase keys, comments and trailing commas allowed (they are written by hand).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TemplateDefinition))]
internal sealed partial class TemplateJsonContext : JsonSerializerContext;
