using AiAspire.AppHost.Extensions;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

var infrastructure = builder.AddInfrastructure();
var devApiKey = builder.AddDevApiKey();
var internalSecret = builder.AddInternalSecret();

var guardrails = builder.AddProject<Projects.GuardrailService>("guardrailservice")
    .WithInternalSecret(internalSecret)
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithHttpHealthCheck("/health");

var rag = builder.AddProject<Projects.RagService>("ragservice")
    .WithInternalSecret(internalSecret)
    .WithVectorStore(infrastructure)
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithHttpHealthCheck("/health");

var router = builder.AddProject<Projects.RouterService>("routerservice")
    .WithInternalSecret(internalSecret)
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache) // shared rate-limit counters, latency, quality scores
    .WithProviderCredentials()
    .WithHttpHealthCheck("/health");

var orchestrator = builder.AddProject<Projects.Orchestrator>("orchestrator")
    .WithInternalSecret(internalSecret)
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithEventBus(infrastructure)
    .WithReference(guardrails).WaitFor(guardrails)
    .WithColocatedGuardrails(guardrails)
    .WithReference(rag).WaitFor(rag)
    .WithReference(router).WaitFor(router)
    .WithColocatedRouter(router)
    .WithConfiguredReplicas("Orchestrator")
    .WithHttpHealthCheck("/health");

var feedbackWorker = builder.AddProject<Projects.FeedbackWorker>("feedbackworker")
    .WithInternalSecret(internalSecret)
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithEventBus(infrastructure)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(infrastructure.Cache).WaitFor(infrastructure.Cache)
    .WithEnvironment("Gateway__InternalSecret", internalSecret)
    .WithReference(orchestrator).WaitFor(orchestrator)
    .WithReference(rag).WaitFor(rag)
    .WithReference(guardrails).WaitFor(guardrails)
    .WithReference(router).WaitFor(router)
    .WithReference(feedbackWorker).WaitFor(feedbackWorker)
    .WithEnvironment("Gateway__DevApiKey", devApiKey)
    .WithPublicPort(builder.Configuration.GetValue("Gateway:Port", 8080))
    .WithEndpoint("http", endpoint => endpoint.IsExternal = true) // the only public ingress, HTTP
    .WithConfiguredReplicas("Gateway")
    .WithHttpHealthCheck("/health");

builder.Build().Run();
