"""Monitoring: the daily site check of announcement 3.2 (issue #4, R5).

Owns check runs (`CheckRun`), the problems they find (`Finding`, one per problem however many
days it is seen), the day's cache of external link results (`ExternalLinkResult`), the HTTP link
checker (`link_checker`), robots.txt and the sitemap read as an outside checker reads them
(`site_files`) and the check itself (`services.run_check`), run by the worker or by
`manage.py check_site`. Reads from `core`, `accounts` and Wagtail's pages; nothing imports it.
"""
