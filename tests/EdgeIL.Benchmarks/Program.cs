using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project tests/EdgeIL.Benchmarks -- --filter '*'
// Results land in BenchmarkDotNet.Artifacts/results; the runs the README and docs/benchmarks quote are kept in
// docs/benchmarks/learn-step.md and docs/benchmarks/minibatch.md.
BenchmarkSwitcher.FromAssembly(typeof(EdgeIL.Benchmarks.LearnStepBenchmarks).Assembly).Run(args);
