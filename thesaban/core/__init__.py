"""Core: what every other app leans on and nothing else owns.

Owns Thai dates and the fiscal year (`thai_dates`), the Thai slug policy (`slugs`), shared
blocks, the image and document models, the municipality's contact details
(`MunicipalitySettings`), the anonymous page cache and what it remembers (`page_cache`) with
the fragment tags built on it (`{% site_layout %}`, `{% pagefragment %}` in
`templatetags/fragments`), named locks shared by every worker (`locks`), HTML to PDF (`pdf`),
staff e-mail (`mail`), the search backend that passes on only a query's words
(`search_backend`), CSV/XLSX columns of dates in Bangkok time (`exports`), holidays and
working days, and the two registries the other apps fill from their `AppConfig.ready`:
periodic jobs and the worker's clock that runs them (`jobs`), and what a new municipality
needs, setup steps and each role's rights (`setup`). Imports nothing from the other Thesaban
apps.
"""
