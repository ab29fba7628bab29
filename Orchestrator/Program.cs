using AiAspire.Orchestrator;
using AiAspire.Orchestrator.Api;
using AiAspire.Orchestrator.Feedback;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapChatCompletionsApi();
app.MapFeedbackApi();
app.MapChatApi();

app.Run();

public partial class Program;
