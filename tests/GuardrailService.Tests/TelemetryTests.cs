using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Tests.Api;

namespace AiAspire.GuardrailService.Tests;

public sealed class TelemetryTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private const string Email = "telemetry.probe@example.com";
    private const string Card = "4111 1111 1111 1111";

    [Fact]
    public async Task GuardInput_RecordsFindingsByTypeAndASpan_WithoutTheValues()
    {
        var measurements = new ConcurrentBag<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == GuardrailTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Add((instrument.Name, value, tags.ToArray())));
        meterListener.Start();

        var tenant = "telemetry-" + Guid.NewGuid().ToString("N");
        var activities = new ConcurrentBag<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GuardrailTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("aiaspire.tenant"), tenant))
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);

        using var client = app.CreateClient(tenant);
        var response = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new("user", $"{Email} {Email} {Card}")]), ContractsJsonContext.Default.GuardInputRequest);
        response.EnsureSuccessStatusCode();

        var findings = measurements.Where(m => m.Instrument == "aiaspire.guard.pii.findings").ToList();
        Assert.Contains(findings, m => m.Value >= 2 && HasTag(m.Tags, GuardrailTelemetry.TypeTag, PiiTypes.Email) && HasTag(m.Tags, GuardrailTelemetry.DirectionTag, "input"));
        Assert.Contains(findings, m => HasTag(m.Tags, GuardrailTelemetry.TypeTag, PiiTypes.CreditCard));
        Assert.DoesNotContain(measurements.SelectMany(m => m.Tags), tag => Leaks(tag.Value));

        var span = Assert.Single(activities);
        Assert.Equal("guard input", span.OperationName);
        Assert.Equal(3, span.GetTagItem("aiaspire.guard.findings"));
        Assert.DoesNotContain(span.TagObjects, tag => Leaks(tag.Value));
    }

    private static bool HasTag(KeyValuePair<string, object?>[] tags, string key, string value) =>
        tags.Any(tag => tag.Key == key && Equals(tag.Value, value));

    private static bool Leaks(object? value) =>
        value?.ToString() is { } text && (text.Contains(Email, StringComparison.Ordinal) || text.Contains(Card, StringComparison.Ordinal));
}
