"""The pure core: every decision, over models and plain dicts. No kopf, no kubernetes imports."""
