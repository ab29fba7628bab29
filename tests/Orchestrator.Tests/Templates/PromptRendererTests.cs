using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Templates;

namespace AiAspire.Orchestrator.Tests.Templates;

public sealed class PromptRendererTests
{
    private static readonly RetrievedChunk Chunk = new("doc-1", "chunk-1", "Refunds are issued within 14 days.", 0.9, "policy.md", "Refunds");

    private static readonly PromptParts Parts = new(
        [new RouterMessage("system", "Be brief.")],
        [new RouterMessage("user", "Hi"), new RouterMessage("assistant", "Hello!")],
        "How long do refunds take?",
        [],
        [Chunk]);

    private static PromptTemplate Template(string? system, string user, Dictionary<string, string>? variables = null) =>
        new("t", "1", system, user, variables ?? [], null, "test");

    [Fact]
    public void Render_WithoutTemplate_KeepsTheConversation_WithTheContextBlockAfterTheSystemMessages()
    {
        var messages = PromptRenderer.Render(Parts, null, new Dictionary<string, string>(), "acme");

        Assert.Equal(["system", "system", "user", "assistant", "user"], messages.Select(m => m.Role));
        Assert.Equal("Be brief.", messages[0].Content);
        Assert.Equal([new ContextPassage(1, "policy.md › Refunds", "Refunds are issued within 14 days.")], ContextPassages.Parse(messages[1].Content));
        Assert.Equal("How long do refunds take?", messages[^1].Content);
    }

    [Fact]
    public void Render_ReplacesBuiltInAndCustomVariables_TenantValuesOverTemplateDefaults()
    {
        var template = Template("You are {{name}} for {{org}} ({{tenant}}).", "Q: {{ question }}", new() { ["name"] = "Bot", ["org"] = "nobody" });

        var messages = PromptRenderer.Render(Parts, template, new Dictionary<string, string> { ["org"] = "Acme" }, "acme");

        Assert.Equal("You are Bot for Acme (acme).", messages[0].Content);
        Assert.Equal("Be brief.", messages[1].Content);
        Assert.Equal(("user", "Q: How long do refunds take?"), (messages[^1].Role, messages[^1].Content));
        // The template did not place {{context}} or {{history}}: they keep the default layout.
        Assert.Equal(["system", "system", "system", "user", "assistant", "user"], messages.Select(m => m.Role));
    }

    [Fact]
    public void Render_ATemplateThatPlacesContextAndHistory_InlinesThem_AndSendsNoSeparateMessages()
    {
        var template = Template(null, "Earlier:\n{{history}}\n\n{{context}}\n\nQuestion: {{question}}");

        var messages = PromptRenderer.Render(Parts, template, new Dictionary<string, string>(), "acme");

        Assert.Equal(["system", "user"], messages.Select(m => m.Role));
        Assert.StartsWith("Earlier:\nuser: Hi\nassistant: Hello!\n\n" + ContextPassages.Instruction, messages[1].Content, StringComparison.Ordinal);
        Assert.Single(ContextPassages.Parse(messages[1].Content));
        Assert.EndsWith("\n\nQuestion: How long do refunds take?", messages[1].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IsOnePass_AQuestionThatLooksLikeAVariableStaysText()
    {
        var parts = Parts with { Question = "What is {{context}} or {{secret}}?", Chunks = [] };

        var messages = PromptRenderer.Render(parts, Template(null, "{{question}}"), new Dictionary<string, string> { ["secret"] = "s3cr3t" }, "acme");

        Assert.Equal("What is {{context}} or {{secret}}?", messages[^1].Content);
    }
}
