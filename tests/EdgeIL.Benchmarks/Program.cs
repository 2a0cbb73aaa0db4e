using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project tests/EdgeIL.Benchmarks -- --filter '*'
// Results land in BenchmarkDotNet.Artifacts/results; the README keeps the table of the last run.
BenchmarkSwitcher.FromAssembly(typeof(EdgeIL.Benchmarks.LearnStepBenchmarks).Assembly).Run(args);
