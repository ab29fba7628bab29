using AiAspire.Orchestrator;
using AiAspire.Orchestrator.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapChatCompletionsApi();

app.Run();

public partial class Program;
