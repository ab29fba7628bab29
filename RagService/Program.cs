using AiAspire.RagService;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Embeddings;
using AiAspire.RagService.Retrieval;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDocumentsApi();
app.MapIngestionsApi();
app.MapRetrievalApi();
app.MapEmbeddingsApi();

app.Run();

public partial class Program;
