using AiAspire.GuardrailService;
using AiAspire.GuardrailService.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGuardApi();

app.Run();

public partial class Program;
