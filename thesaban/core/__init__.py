"""Core: what every other app leans on and nothing else owns.

Owns Thai dates and the fiscal year (`thai_dates`), the Thai slug policy (`slugs`), the
municipality's contact details (`MunicipalitySettings`), the anonymous page cache
(`page_cache`) and the search backend that passes on only a query's words
(`search_backend`). Imports nothing from the other Thesaban apps.
"""
