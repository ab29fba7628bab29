using AiAspire.AppHost.Extensions;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddInfrastructure();
var devApiKey = builder.AddDevApiKey();

var guardrails = builder.AddProject<Projects.GuardrailService>("guardrailservice")
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithHttpHealthCheck("/health");

var rag = builder.AddProject<Projects.RagService>("ragservice")
    .WithVectorStore(infrastructure)
    .WithHttpHealthCheck("/health");

var router = builder.AddProject<Projects.RouterService>("routerservice")
    .WithProviderCredentials()
    .WithHttpHealthCheck("/health");

var orchestrator = builder.AddProject<Projects.Orchestrator>("orchestrator")
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithEventBus(infrastructure)
    .WithReference(guardrails).WaitFor(guardrails)
    .WithReference(rag).WaitFor(rag)
    .WithReference(router).WaitFor(router)
    .WithHttpHealthCheck("/health");

var feedbackWorker = builder.AddProject<Projects.FeedbackWorker>("feedbackworker")
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithEventBus(infrastructure)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(orchestrator).WaitFor(orchestrator)
    .WithReference(rag).WaitFor(rag)
    .WithReference(guardrails).WaitFor(guardrails)
    .WithReference(router).WaitFor(router)
    .WithReference(feedbackWorker).WaitFor(feedbackWorker)
    .WithEnvironment("Gateway__DevApiKey", devApiKey)
    .WithPublicPort(builder.Configuration.GetValue("Gateway:Port", 8080))
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();
