using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>
/// GuardrailService masking <see cref="FakeGuardrailService.Email"/> like <see cref="FakeGuardrailService"/>, whose output
/// check also enforces the <c>required</c> properties of a JSON schema (the part of JSON Schema these tests use).
/// </summary>
public sealed class SchemaGuardrailService : FakeService
{
    public ConcurrentQueue<GuardOutputRequest> OutputRequests { get; } = new();

    /// <summary>When set, the output check answers with this status (the input guard still works).</summary>
    public int? OutputFailWith { get; set; }

    public override void Reset()
    {
        base.Reset();
        OutputRequests.Clear();
        OutputFailWith = null;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/guard/input", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.GuardInputRequest);
            var findings = new List<GuardFinding>();
            var masked = new List<GuardMessage>();
            for (var i = 0; i < request.Messages.Count; i++)
            {
                var content = request.Messages[i].Content;
                var at = content.IndexOf(FakeGuardrailService.Email, StringComparison.Ordinal);
                if (at >= 0)
                {
                    findings.Add(new GuardFinding("EMAIL", i, at, at + FakeGuardrailService.Email.Length, 1.0));
                }
                masked.Add(request.Messages[i] with { Content = content.Replace(FakeGuardrailService.Email, FakeGuardrailService.Placeholder, StringComparison.Ordinal) });
            }
            await WriteAsync(context, new GuardInputResponse(true, masked, findings, findings.Count > 0 ? FakeGuardrailService.VaultId : null, []),
                ContractsJsonContext.Default.GuardInputResponse);
        });

        app.MapPost("/v1/guard/output", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.GuardOutputRequest);
            OutputRequests.Enqueue(request);
            if (OutputFailWith is { } status)
            {
                await WriteProblemAsync(context, status, ProblemTypes.Unavailable, "the output checks are down");
                return;
            }
            var text = request.VaultId == FakeGuardrailService.VaultId
                ? request.Text.Replace(FakeGuardrailService.Placeholder, FakeGuardrailService.Email, StringComparison.Ordinal)
                : request.Text;
            var violation = request.Schema is { } schema ? Violation(schema, text) : null;
            await WriteAsync(context, new GuardOutputResponse(violation is null, text, [], violation is null ? null : [violation]),
                ContractsJsonContext.Default.GuardOutputResponse);
        });
    }

    private static string? Violation(JsonElement schema, string text)
    {
        JsonElement answer;
        try
        {
            answer = JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return "schema: not JSON";
        }
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return "schema: not an object";
        }
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!answer.TryGetProperty(name.GetString()!, out _))
                {
                    return $"schema: '{name.GetString()}' is required";
                }
            }
        }
        return null;
    }
}
