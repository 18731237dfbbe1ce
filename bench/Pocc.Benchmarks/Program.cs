using BenchmarkDotNet.Running;

// Everything after `--` goes to BenchmarkDotNet: `--filter '*Hashing*'`, `--job short`, `--list flat`, ...
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
