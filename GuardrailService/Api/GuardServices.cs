using AiAspire.GuardrailService.Guards;
using AiAspire.GuardrailService.Policy;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Api;

/// <summary>Dependencies of the guard endpoints, bound with <c>[AsParameters]</c>.</summary>
public sealed record GuardServices(
    InputGuard InputGuard,
    OutputGuard OutputGuard,
    DocumentGuard DocumentGuard,
    IOptionsMonitor<GuardLimitsOptions> Limits,
    GuardPolicyVersion PolicyVersion,
    ILoggerFactory LoggerFactory);
