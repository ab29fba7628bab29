// Latency (p50/p99) and throughput (MB/s) of the input check on a 2 kB prompt, and of its parts, on this machine.
//   dotnet run -c Release --project bench/GuardrailBench -- [iterations=5000] [promptBytes=2048] [classifier=Uncertain|Always|Off]
// Training the injection classifier (see InjectionTrainer): dotnet run -c Release --project bench/GuardrailBench -- train-injection
// The guard over HTTP, as the orchestrator calls it (see HttpRun; build GuardrailService -c Release first):
//   dotnet run -c Release --project bench/GuardrailBench -- http [--duration 3] [--warmup 1] [--concurrency 1,16]
// The input check is InputGuard.GuardAsync as the service runs it: PII analysis with every recognizer, masking,
// prompt-injection and content scoring; the vault is in memory (see InMemoryVault), HTTP is not included.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailBench;
using AiAspire.GuardrailService.Content;
using AiAspire.GuardrailService.Guards;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;

if (args is ["train-injection", .. var trainArgs])
{
    Environment.ExitCode = InjectionTrainer.Run(trainArgs);
    return;
}
if (args is ["http", .. var httpArgs])
{
    Environment.ExitCode = await HttpRun.RunAsync(httpArgs);
    return;
}

var iterationsRequested = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
var promptBytes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_048;

IPiiRecognizer[] recognizers =
[
    new EmailRecognizer(), new CreditCardRecognizer(), new PhoneNumberRecognizer(), new IbanRecognizer(),
    new UsSsnRecognizer(), new IpAddressRecognizer(), new SecretRecognizer(), new DateOfBirthRecognizer(),
    new PersonNameRecognizer(), new StreetAddressRecognizer(),
];
var analyzer = new PiiAnalyzer(recognizers, new FixedOptions<PiiOptions>(new PiiOptions()));
var policy = new GuardPolicy(new FixedOptions<GuardPolicyOptions>(new GuardPolicyOptions()));
var mode = args.Length > 2 ? Enum.Parse<InjectionClassifierMode>(args[2], ignoreCase: true) : InjectionClassifierMode.Uncertain;
var heuristics = new PromptInjectionDetector();
var embedder = new MiniLmTextEmbedder();
var injection = new InjectionScorer(heuristics, embedder, new FixedOptions<InjectionClassifierOptions>(new InjectionClassifierOptions { Mode = mode }));
var content = new ContentClassifier();
var guard = new InputGuard(new PiiMasker(analyzer), new InMemoryVault(), policy, injection, new ContentPolicyCheck(content, policy));

var prompt = Prompt(promptBytes);
var bytes = Encoding.UTF8.GetByteCount(prompt);
GuardMessage[] messages = [new("system", "You are a helpful support assistant for Contoso."), new("user", prompt)];
Console.WriteLine($"{Environment.ProcessorCount} cores, {bytes} B prompt (UTF-8), {iterationsRequested} iterations after warm-up, injection classifier {mode}");
var verdict = await guard.GuardAsync("bench", messages, CancellationToken.None);
Console.WriteLine($"one check: allowed {verdict.Allowed}, {verdict.Findings.Count} PII findings " +
                  $"({string.Join(", ", verdict.Findings.Select(f => f.Type).Distinct())}), {verdict.Checks?.Count ?? 0} scored checks");

await Measure("input check (InputGuard)", async () => await guard.GuardAsync("bench", messages, CancellationToken.None));
await Measure("  PII analysis only", () => { analyzer.Analyze(prompt); return Task.CompletedTask; });
await Measure("  injection scoring (as configured)", () => { injection.Score(prompt); return Task.CompletedTask; });
await Measure("  injection heuristics only", () => { heuristics.Detect(prompt); return Task.CompletedTask; });
await Measure("  embedding (classifier input)", () => { embedder.Embed([injection.Model.Window(prompt)]); return Task.CompletedTask; }, Math.Min(iterationsRequested, 300));
await Measure("  content scoring only", () => { content.Classify(prompt); return Task.CompletedTask; });
foreach (var recognizer in recognizers)
{
    await Measure("    " + recognizer.GetType().Name, () => { recognizer.Recognize(prompt).Count(); return Task.CompletedTask; });
}

async Task Measure(string name, Func<Task> check, int? count = null)
{
    var iterations = count ?? iterationsRequested;
    for (var i = 0; i < (count is null ? Math.Min(500, iterations) : 20); i++)
    {
        await check();
    }
    var samples = new double[iterations];
    var total = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await check();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    total.Stop();
    Array.Sort(samples);
    var megabytes = (double)bytes * iterations / (1024 * 1024);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-38} p50 {samples[iterations / 2],7:F3} ms  p99 {samples[(int)(iterations * 0.99)],7:F3} ms  {megabytes / total.Elapsed.TotalSeconds,8:F1} MB/s"));
}

// A support request as users write them: prose with an email, a phone number, a card, an address and an IP, padded
// with ordinary sentences to the requested size.
static string Prompt(int size)
{
    const string head =
        "Hi, my name is Maria Gonzalez and I need help with my order. You can reach me at maria.gonzalez@example.com " +
        "or call +1 415 555 0132. I paid with my card 4111 1111 1111 1111 and it should ship to 1600 Pennsylvania Ave NW, " +
        "Washington, DC 20500. The app crashed when I logged in from 192.168.1.20 last night. ";
    const string filler =
        "The parcel was supposed to arrive on Tuesday but the tracking page still shows it as waiting at the depot, " +
        "and nobody answered when I asked about it in the chat yesterday afternoon. ";
    var builder = new StringBuilder(head);
    while (Encoding.UTF8.GetByteCount(builder.ToString()) < size)
    {
        builder.Append(filler);
    }
    var text = builder.ToString();
    return text[..size];
}
