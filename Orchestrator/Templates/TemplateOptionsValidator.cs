using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Templates;

/// <summary>Loads every template with the new configuration and rejects it, with the reasons, when any is wrong.</summary>
public sealed class TemplateOptionsValidator(IHostEnvironment environment) : IValidateOptions<TemplateOptions>
{
    public ValidateOptionsResult Validate(string? name, TemplateOptions options)
    {
        var (_, errors) = TemplateCatalog.Load(options, environment.ContentRootPath);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
