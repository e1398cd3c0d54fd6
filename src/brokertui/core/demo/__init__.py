"""Demo data; only the CLI's demo command (and tests) import this package."""
