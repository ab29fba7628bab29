using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Kafka;

/// <summary>Stops the service on start when the Kafka security settings do not fit together (see <see cref="KafkaConnection.Problems"/>).</summary>
internal sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        var problems = KafkaConnection.Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
