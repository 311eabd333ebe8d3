"""One-command benchmarks that print figures (see bench/README.md)."""
