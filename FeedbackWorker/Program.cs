using AiAspire.FeedbackWorker;
using AiAspire.FeedbackWorker.Quality;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapQualityApi();

app.Run();

public partial class Program;
