"""Lab code, not the runtime: reproducing the shipped reader (`python -m qa.training.reader --help`)."""
