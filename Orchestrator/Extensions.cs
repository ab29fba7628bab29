using AiAspire.EventBus;
using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Colocation;
using AiAspire.Orchestrator.Feedback;
using AiAspire.Orchestrator.Memory;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Pipeline.Steps;
using AiAspire.Orchestrator.Streaming;
using AiAspire.Orchestrator.Templates;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("cache");
        builder.AddEventBus();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>();
        builder.Services.AddOptions<TemplateOptions>().BindConfiguration(TemplateOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TemplateOptions>, TemplateOptionsValidator>();
        builder.Services.AddSingleton<TemplateCatalog>();
        builder.Services.AddOptions<TokenBudgetOptions>().BindConfiguration(TokenBudgetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TokenCounter>();
        builder.Services.AddSingleton<ModelLimitsCatalog>();
        builder.Services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.Section);
        builder.Services.AddSingleton<ResponseLedger>();
        builder.Services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ConversationStore>();
        builder.Services.AddSingleton<AnswerRecorder>();

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<ForwardedIdentityHandler>();
        // Every chat request makes several internal calls: IHttpClientFactory's per-call log handlers (a scope and four
        // messages each) are left out of them; spans and metrics record each call, and failures are logged by the steps.
        builder.AddGuardrailClients();
        builder.Services.AddHttpClient<RagClient>(http => http.BaseAddress = new("https+http://ragservice"))
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ForwardedIdentityHandler>();
        builder.AddRouterClients();

        builder.Services.AddSingleton<IPipelineStep, ValidateStep>();
        builder.Services.AddSingleton<IPipelineStep, GuardInputStep>();
        builder.Services.AddSingleton<IPipelineStep, MemoryStep>();
        builder.Services.AddSingleton<IPipelineStep, RetrieveStep>();
        builder.Services.AddSingleton<IPipelineStep, TemplateStep>();
        builder.Services.AddSingleton<IPipelineStep, TokenBudgetStep>();
        builder.Services.AddOptions<ExactCacheOptions>().BindConfiguration(ExactCacheOptions.Section);
        builder.Services.AddSingleton<ExactCache>();
        builder.Services.AddSingleton<GuardPolicyVersions>();
        builder.Services.AddSingleton<CheckedAnswerCache>();
        builder.Services.AddOptions<SemanticCacheOptions>().BindConfiguration(SemanticCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SemanticCache>();
        builder.Services.AddSingleton<InferStep>();
        builder.Services.AddSingleton<IPipelineStep, CachingInferStep>();
        builder.Services.AddOptions<OutputGuardOptions>().BindConfiguration(OutputGuardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IPipelineStep, GuardOutputStep>();
        builder.Services.AddSingleton<IPipelineStep, FormatStep>();
        builder.Services.AddSingleton<PipelineRunner>();
        builder.Services.AddSingleton<StreamedAnswerCheck>();
        return builder;
    }
}
