"""Monitoring: the daily site check of announcement 3.2 (issue #4, R5).

Owns check runs (`CheckRun`), the problems they find (`Finding`, one per problem however many
days it is seen), the day's cache of external link results (`ExternalLinkResult`), the HTTP link
checker (`link_checker`), robots.txt and the sitemap read as an outside checker reads them
(`site_files`) and the check itself (`services.run_check`), one municipality (Wagtail `Site`) at
a time, run by the worker or by `manage.py check_site`. Registers its daily job (`core.jobs`),
its shipped freshness rules as a setup step and the web operator's rights on findings
(`core.setup`). Reads from `core`, `accounts`, `pages` and `publishing.windows`; nothing imports
it but `reports` and `demo`.
"""
