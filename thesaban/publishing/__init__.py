"""Publishing: the three-step approval of the announcement (R3) and publication windows (R4).

Owns the workflow tasks (division supervisor approval, web operator publication), the
maker–checker rules, the finish action that publishes only after three distinct people, the
emergency takedown, the publication record, and the publication windows' job, registered with
the worker's clock (`core.jobs`) and run by `manage.py run_worker`. Imports `core`, `accounts`
and (its tests) `pages`; never `monitoring`, `reports` or `demo`.
"""
