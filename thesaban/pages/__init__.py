"""Pages: the public website, its page types and navigation.

Owns the fourteen page types (home, section, content, link, and the listings and items of
news, documents, videos and places; people and the organisation chart), the `Person` snippet
behind personnel pages and the organisation chart, the `Attachment` files of any page, the
site map of the announcement (`information_architecture`) and building it
(`services.ensure_site_structure`, which runs the setup steps of `core.setup`), and the
made-up files of the demo and the tests (`sample_files`). Imports `core`, `accounts` and
`publishing` (the page and snippet base forms); never `monitoring`, `reports` or `demo`.
"""
