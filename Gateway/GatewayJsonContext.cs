using System.Text.Json;
using System.Text.Json.Serialization;
using AiAspire.Gateway.Admin;
using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredApiKey))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(ApiKeyInfo))]
[JsonSerializable(typeof(List<ApiKeyInfo>))]
[JsonSerializable(typeof(LimitOverrides))]
[JsonSerializable(typeof(TenantLimitsInfo))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
