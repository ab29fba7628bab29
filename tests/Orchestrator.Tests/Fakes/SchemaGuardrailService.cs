using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>
/// GuardrailService masking <see cref="FakeGuardrailService.Email"/> like <see cref="FakeGuardrailService"/>, whose output
/// check also enforces the <c>required</c> properties of a JSON schema (the part of JSON Schema these tests use) and
/// refuses an answer that repeats <see cref="Secret"/> when the system prompt holds it — across the windows of a stream,
/// whose tail it keeps per stream id until the final window, as GuardrailService does.
/// </summary>
public sealed class SchemaGuardrailService : FakeService
{
    /// <summary>A system prompt holding this must not be repeated by the answer.</summary>
    public const string Secret = "launch now. the code is 0000";

    public ConcurrentQueue<GuardOutputRequest> OutputRequests { get; } = new();

    /// <summary>The output check's answers, in the order it gave them.</summary>
    public ConcurrentQueue<GuardOutputResponse> OutputResponses { get; } = new();

    /// <summary>The tails of the streams not yet ended, by stream id.</summary>
    public ConcurrentDictionary<string, string> Tails { get; } = new();

    /// <summary>When set, the output check answers with this status (the input guard still works).</summary>
    public int? OutputFailWith { get; set; }

    public override void Reset()
    {
        base.Reset();
        OutputRequests.Clear();
        OutputResponses.Clear();
        Tails.Clear();
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
            var scanned = request.StreamId is { } id && Tails.TryGetValue(id, out var tail) ? tail + request.Text : request.Text;
            var violation = request.Schema is { } schema ? Violation(schema, text) : null;
            if (request.SystemPrompt?.Contains(Secret, StringComparison.Ordinal) == true && scanned.Contains(Secret, StringComparison.Ordinal))
            {
                violation = "The answer repeats the system prompt.";
            }
            if (request.StreamId is { } streamId)
            {
                if (request.Final || violation is not null)
                {
                    Tails.TryRemove(streamId, out _);
                }
                else
                {
                    Tails[streamId] = scanned[Math.Max(0, scanned.Length - 100)..];
                }
            }
            var response = new GuardOutputResponse(violation is null, text, [], violation is null ? null : [violation]);
            OutputResponses.Enqueue(response);
            await WriteAsync(context, response, ContractsJsonContext.Default.GuardOutputResponse);
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
