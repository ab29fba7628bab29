using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// No service's console log (every project resource, as Aspire collects it) holds an API key, the internal signing
/// secret, a provider key or personal data a caller sent, after traffic that carries all of them through every
/// service: chat (plain, streamed, with memory and retrieval), a document ingest, feedback, a dataset export, a wrong
/// key, a model name and a document id made of personal data.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ServiceLogPrivacyTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string ProviderKey = "fake-upstream-key";
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task NoServiceLogLine_HoldsAKeyASecretOrPersonalData()
    {
        await using var logs = ServiceLogs.Watch(platform, PlatformApp.Services);
        var pii = PiiProbe.Create();
        var tenant = TenantKeys.NewTenant("logs");
        var apiKey = await TenantKeys.CreateAsync(platform, tenant);
        var wrongKey = "sk-aia-" + Guid.NewGuid().ToString("N") + "wrong";
        using var client = platform.CreateClient(apiKey);
        var text = $"{pii.Sentence} My API key is {apiKey} and the provider key {ProviderKey}.";

        foreach (var stream in new[] { false, true })
        {
            using var response = await client.PostAsJsonAsync("/v1/chat/completions", new
            {
                model = PlatformFixture.FakeDeployment,
                stream,
                messages = new[] { new { role = "user", content = text } },
            });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            if (!stream)
            {
                Assert.Contains(pii.Email, body); // the values went through and came back
            }
        }

        var documentId = "logs-" + Guid.NewGuid().ToString("N")[..12];
        var marker = "glimmerock" + Guid.NewGuid().ToString("N")[..8];
        var ingest = await client.PostAsJsonAsync("/api/documents", new { id = documentId, text = $"Account {marker}. {text}" });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());
        await Eventually.HoldsAsync(async () => (await client.GetAsync($"/api/documents/{documentId}")).StatusCode == HttpStatusCode.OK,
            "the document is stored", Propagation);

        var chat = await client.PostAsJsonAsync("/api/chat", new { message = $"What does account {marker} say? {text}", model = PlatformFixture.FakeDeployment, rag = "on" });
        var chatBody = await chat.Content.ReadAsStringAsync();
        Assert.True(chat.StatusCode == HttpStatusCode.OK, chatBody);
        var reply = JsonDocument.Parse(chatBody).RootElement;
        var followUp = await client.PostAsJsonAsync("/api/chat", new
        {
            conversationId = reply.GetProperty("conversationId").GetString(),
            message = $"And write to {pii.Email}.",
            model = PlatformFixture.FakeDeployment,
            rag = "off",
            stream = true,
        });
        Assert.Equal(HttpStatusCode.OK, followUp.StatusCode);
        await followUp.Content.ReadAsStringAsync();

        var feedback = await client.PostAsJsonAsync("/api/feedback", new
        {
            responseId = reply.GetProperty("responseId").GetString(),
            rating = -1,
            comment = $"Call {pii.Phone}",
            correction = $"Send it to {pii.Email}, IBAN {pii.Iban}.",
        });
        Assert.True(feedback.StatusCode == HttpStatusCode.Accepted, await feedback.Content.ReadAsStringAsync());

        // Callers' mistakes that carry the values in places services might log: a wrong key, a model and an id made of them.
        using (var wrong = platform.CreateClient(wrongKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsJsonAsync("/api/chat", new { message = text })).StatusCode);
        }
        var unknownModel = await client.PostAsJsonAsync("/v1/chat/completions", new { model = pii.Email, messages = new[] { new { role = "user", content = text } } });
        Assert.True((int)unknownModel.StatusCode is >= 400 and < 500, $"An unknown model: {(int)unknownModel.StatusCode}");
        var piiId = await client.GetAsync($"/api/documents/{Uri.EscapeDataString(pii.Email)}");
        Assert.True((int)piiId.StatusCode is >= 400 and < 500, $"A document id made of an email: {(int)piiId.StatusCode}");

        var export = await client.PostAsync("/api/quality/datasets", null);
        var exportBody = await export.Content.ReadAsStringAsync();
        Assert.True(export.StatusCode == HttpStatusCode.Created, exportBody);
        var datasetId = JsonDocument.Parse(exportBody).RootElement.GetProperty("datasetId").GetString()!;

        // The capture sees request-time lines of the services that log them at the default level, so the scan below
        // reads what this traffic produced (the export is the last request: its line arrives last).
        await Eventually.HoldsAsync(() => logs.AnyLineContains("ragservice", documentId) && logs.AnyLineContains("feedbackworker", datasetId),
            "the ingest and export lines reach the captured logs", Propagation);

        var lines = logs.Lines;
        Assert.All(PlatformApp.Services, service => Assert.True(lines.TryGetValue(service, out var own) && own.Count > 0, $"No line was captured from {service}."));
        string[] secrets =
        [
            apiKey, apiKey["sk-aia-".Length..], wrongKey, PlatformFixture.DevApiKey, ProviderKey,
            await platform.ParameterValueAsync("internal-secret"),
            .. pii.Spellings,
        ];
        var leaks = (from service in lines
                     from line in service.Value
                     from secret in secrets
                     where line.Contains(secret, StringComparison.OrdinalIgnoreCase)
                     select $"{service.Key}: {line}").ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} log lines hold a secret or personal data:\n{string.Join('\n', leaks.Take(10))}");
        output.WriteLine($"Log privacy: {lines.Sum(s => s.Value.Count)} lines of {lines.Count} services hold none of {secrets.Length} secrets and raw values "
            + $"({string.Join(", ", lines.Select(s => $"{s.Key} {s.Value.Count}"))})");
    }
}
