"""Integration tier: real PostGIS (library, CLI, HTTP API in-process, schemathesis, notebook)."""
