"""Browser tier: headless Chromium (playwright) against the app served by ``rdtr serve``."""
