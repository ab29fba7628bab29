using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The platform's data classes. A <c>[LoggerMessage]</c> parameter marked <see cref="SecretDataAttribute"/> or
/// <see cref="PersonalDataAttribute"/> never reaches a log sink as written (see <see cref="Redaction.AddLogRedaction{TBuilder}"/>).
/// </summary>
public static class DataClasses
{
    public const string Taxonomy = "AiAspire";

    /// <summary>API keys, provider credentials, signing secrets: always erased.</summary>
    public static DataClassification Secret { get; } = new(Taxonomy, nameof(Secret));

    /// <summary>User text and personal data (prompts, e-mail addresses, names): erased, or an HMAC when a key is configured.</summary>
    public static DataClassification Personal { get; } = new(Taxonomy, nameof(Personal));
}

/// <summary>Marks a logged value as a secret: it is erased from logs.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.ReturnValue)]
public sealed class SecretDataAttribute() : DataClassificationAttribute(DataClasses.Secret);

/// <summary>Marks a logged value as user text or personal data: it is erased (or HMAC-ed) in logs.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.ReturnValue)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(DataClasses.Personal);

public static class Redaction
{
    /// <summary>Configuration key of a base64 HMAC key (at least 44 characters) for <see cref="DataClasses.Personal"/> values.</summary>
    public const string HmacKeySetting = "Redaction:HmacKey";

    /// <summary>Configuration key of the HMAC key's id (an integer written into each redacted value, for key rotation).</summary>
    public const string HmacKeyIdSetting = "Redaction:HmacKeyId";

    /// <summary>
    /// Redacts classified values in structured logs (Microsoft.Extensions.Compliance.Redaction): secrets are erased;
    /// personal data is replaced by an HMAC-SHA256 when <see cref="HmacKeySetting"/> is set (equal values stay
    /// correlatable without being readable), else erased. Any other classified value falls back to erasing.
    /// </summary>
    public static TBuilder AddLogRedaction<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var hmacKey = builder.Configuration[HmacKeySetting];
        var hmacKeyId = builder.Configuration.GetValue(HmacKeyIdSetting, 1);
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction(redaction =>
        {
            redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(DataClasses.Secret));
            if (string.IsNullOrEmpty(hmacKey))
            {
                redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(DataClasses.Personal));
            }
            else
            {
                redaction.SetHmacRedactor(options =>
                {
                    options.Key = hmacKey;
                    options.KeyId = hmacKeyId;
                }, new DataClassificationSet(DataClasses.Personal));
            }
            redaction.SetFallbackRedactor<ErasingRedactor>();
        });
        return builder;
    }
}
