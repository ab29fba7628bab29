using AiAspire.Contracts.Events;

namespace AiAspire.FeedbackWorker.Datasets;

/// <summary>One line of an OpenAI chat fine-tuning JSONL file: <c>{"messages":[{"role":…,"content":…},…]}</c>.</summary>
public sealed record FineTuningExample(IReadOnlyList<MaskedMessage> Messages);
