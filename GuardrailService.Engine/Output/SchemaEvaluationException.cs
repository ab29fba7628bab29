namespace AiAspire.GuardrailService.Output;

/// <summary>The caller's JSON Schema built but could not be evaluated (an unresolvable <c>$ref</c>, …): the caller's mistake, a 400.</summary>
public sealed class SchemaEvaluationException(string message, Exception inner) : Exception(message, inner);
