"""The parts of tools/codegen.py: spec/ -> bitget_async/_generated/ (one job per module)."""
