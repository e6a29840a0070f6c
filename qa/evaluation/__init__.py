"""Lab code, not the runtime: evaluation on question files and SQuAD, benchmarks, and their shared metrics."""
