"""Pages: the public website, its page types, navigation and the demo municipality.

Owns the page types (home, section, content, listings of news, documents, videos, people and
places, link), the `Person` snippet behind personnel pages and the organisation chart, the
`Attachment` files of any page, and the site map of the announcement (`information_architecture`).
May import core and accounts.
"""
