"""The test suite (a package, so every tier imports ``tests.support`` the same way)."""
