"""cfnfix tests (run with `python -m pytest -q`; `-m corpus` for the corpus sweeps)."""
