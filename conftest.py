# Browser-test fixtures shared by every app's tests (thesaban/browser_testing.py).
pytest_plugins = ["thesaban.browser_testing"]
