"""Wagtail's database search backend, handed words and nothing else.

Every search box (the public one, the admin's page, document, image and snippet listings and
their choosers) passes what a person typed to the search backend as it is. Wagtail's database
backend (django-modelsearch) then writes it into the database's own query language, and some
text breaks that: a double quote ends SQLite's quoted term early, so `"><script>` or `a"b` is
an FTS5 syntax error and a 500 (wagtail/wagtail#13227, still open), and on PostgreSQL a
field-restricted query with no word in it (`-`) fails before it reaches the database.

So this backend reduces every query to its words before the database backend sees it: letters,
marks (Thai vowels and tone marks) and digits, kept whole, with `. @ - / _` only between two
of them (addresses, dates such as 1/2569, decimals, hyphenated words); everything else
separates words. Operators typed as words (`AND`, `OR`, `NEAR`) are searched as words. A query
with no word in it finds nothing. Set it as `WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]`;
it picks the database's backend (SQLite FTS5, PostgreSQL, …) as Wagtail's does. The Thai
search issue replaces search as a whole; until then this keeps every search box answering.
"""

from __future__ import annotations

import copy
import functools
import unicodedata

from wagtail.search.backends import database
from wagtail.search.backends.base import BaseSearchBackend
from wagtail.search.query import MATCH_NONE, SearchQuery

# Kept inside a word, never at its edge, where the databases read them as operators.
WORD_JOINERS = frozenset(".@-/_")


def _is_word_character(character: str) -> bool:
    return unicodedata.category(character)[0] in "LMN"


def plain_words(text: str) -> str:
    """`text` as its words separated by single spaces; "" if it holds no word."""
    kept = []
    for position, character in enumerate(text):
        if _is_word_character(character) or (
            character in WORD_JOINERS
            and 0 < position < len(text) - 1
            and _is_word_character(text[position - 1])
            and _is_word_character(text[position + 1])
        ):
            kept.append(character)
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def words_only(query: str | SearchQuery) -> str | SearchQuery | None:
    """The query with every text in it reduced to `plain_words`; None if no word is left.

    Query objects (`PlainText`, `Phrase`, `And`, …; Wagtail's admin page search parses quotes
    into phrases) keep their shape; a part with no word in it is left out.
    """
    if isinstance(query, str):
        return plain_words(query) or None
    if hasattr(query, "query_string"):  # PlainText, Phrase, Fuzzy
        words = plain_words(query.query_string)
        return _with(query, query_string=words) if words else None
    if hasattr(query, "subqueries"):  # And, Or
        parts = [part for part in map(words_only, query.subqueries) if part is not None]
        return _with(query, subqueries=parts) if parts else None
    if hasattr(query, "subquery"):  # Not, Boost
        part = words_only(query.subquery)
        return _with(query, subquery=part) if part is not None else None
    return query  # MatchAll


def _with(query: SearchQuery, **attributes) -> SearchQuery:
    changed = copy.copy(query)
    vars(changed).update(attributes)
    return changed


class WordsOnlyMixin:
    """Put in front of a Wagtail search backend: search and autocomplete see words only."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        # MATCH_NONE rather than EmptySearchResults, which the admin's listings cannot show.
        query = words_only(query) or MATCH_NONE
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


@functools.cache
def _words_only_backend_class(backend_class: type[BaseSearchBackend]) -> type[BaseSearchBackend]:
    return type(backend_class.__name__, (WordsOnlyMixin, backend_class), {})


def SearchBackend(params: dict) -> BaseSearchBackend:
    """The database's own Wagtail backend (chosen as Wagtail chooses it), given words only.

    Wagtail looks the backend up by this name in the module named in the setting.
    """
    backend_class = type(database.SearchBackend(params))
    return _words_only_backend_class(backend_class)(params)
