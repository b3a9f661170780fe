"""The HTTP API (FastAPI). Thin over the ``rdtr`` library."""
