using AiAspire.Contracts;
using AiAspire.Orchestrator.Templates;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Renders the prompt with the template the request's route and tenant name (<c>Pipeline:…:Template</c>); with none
/// named it keeps the conversation's own layout. Either way the prompt is kept in parts for the token budget.
/// </summary>
public sealed partial class TemplateStep(TemplateCatalog templates, ILogger<TemplateStep> logger) : IPipelineStep
{
    public string Name => "template";

    public ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        PromptTemplate? template = null;
        if (context.Settings.Template is { } name)
        {
            template = templates.Find(context.Tenant, name);
            if (template is null)
            {
                // Start-up validation checks every configured name; only a template file removed since can get here.
                LogUnknownTemplate(name, context.Tenant);
                context.Status = "error";
                context.Error = $"template '{name}' not found";
                context.Problem = TypedResults.Problem($"The prompt template '{name}' configured for this route is missing.",
                    statusCode: StatusCodes.Status500InternalServerError, type: ProblemTypes.Internal);
                return ValueTask.CompletedTask;
            }
        }

        var parts = PromptParts.From(context);
        context.Template = template;
        context.Prompt = parts;
        context.Messages = PromptRenderer.Render(parts, template, templates.VariablesFor(context.Tenant), context.Tenant);
        // The renderer puts the template's system text first.
        context.TemplateSystemPrompt = template?.System is { Length: > 0 } ? context.Messages[0].Content : null;
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Prompt template {Template} (tenant {Tenant}) is not in the catalog")]
    private partial void LogUnknownTemplate(string template, string tenant);
}
