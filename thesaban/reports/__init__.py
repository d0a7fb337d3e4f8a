"""Reports: the annual report of the disclosure measures (announcement 3.3, issue #5, R6).

Owns the register of problems, obstacles and suggestions staff keep during the year
(`ProblemReport`), the annual report itself (`AnnualReport`: draft, then approved and frozen
with its data snapshot), the figures each part of the system contributes to it (`sections`),
building, approving and sending it to the site (`services`), and rendering it as HTML, PDF and
XLSX (`rendering`, `charts`). Reads from `core`, `accounts`, `pages`, `publishing` and
`monitoring`; nothing imports it but `demo` (the demo's register entries).
"""
