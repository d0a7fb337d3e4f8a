"""Demo: the fictional municipality `make demo` loads (`manage.py load_demo`).

Owns the demo loader (`services.load_demo`: site structure, content in every item, people,
divisions, accounts, settings and emblem) and the demo's register of problems, obstacles and
suggestions (`problem_register`). It fills every app, so it may import every app; nothing
imports it (the browser tests' `thesaban.browser_testing` loads it, as `make demo` does).
"""
