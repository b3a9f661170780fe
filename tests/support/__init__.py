"""Helpers every tier may import (no fixtures here: those live in the conftest files)."""
