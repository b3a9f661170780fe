"""Unit tier: no database, no browser."""
