using Analytics.Bench;

// The benchmarks behind docs/benchmarks.md, apart from the shipped `analytics` executable: they drive the GitHub
// simulator and a browser, which the product must not carry. See `analytics-bench --help`.
return await BenchCommand.Create().Parse(args).InvokeAsync();
