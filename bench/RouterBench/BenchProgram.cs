// The cost of one routing decision (RoutePlanner.Plan: resolve the route, check every candidate against the request,
// score the prompt's complexity, rank) over a route of 50 deployments, per strategy. No model is called.
//   dotnet run -c Release --project bench/RouterBench -- --filter '*'
// One in-process job (no per-benchmark build or process), 3 warmup and 10 measured iterations: enough on a shared machine.
// Reports go under the build output (bin/, ignored by git).
// The router over HTTP, as the orchestrator calls it (see HttpRun; build RouterService -c Release first):
//   dotnet run -c Release --project bench/RouterBench -- http [--duration 3] [--warmup 1] [--concurrency 1,16]
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

if (args is ["http", .. var httpArgs])
{
    Environment.ExitCode = await AiAspire.RouterBench.HttpRun.RunAsync(httpArgs);
    return;
}

var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10);
BenchmarkSwitcher.FromAssembly(typeof(AiAspire.RouterBench.RoutingDecisionBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.AddJob(job).WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts")));
