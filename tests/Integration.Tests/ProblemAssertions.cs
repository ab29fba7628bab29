using System.Net;
using System.Text.Json;

namespace AiAspire.Integration.Tests;

internal static class ProblemAssertions
{
    /// <summary>Asserts the response is <paramref name="status"/> with an application/problem+json body; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("https://aiaspire.dev/problems/", problem.GetProperty("type").GetString());
        return problem;
    }
}
