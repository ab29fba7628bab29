using AiAspire.FeedbackWorker;
using AiAspire.FeedbackWorker.Datasets;
using AiAspire.FeedbackWorker.Quality;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapQualityApi();
app.MapDatasetsApi();

app.Run();

public partial class Program;
