"""Submissions: a province's report for a period sent up for approval, read back, imported from the
Excel years, decided. The report engine they state figures from is the rest of `reporting`.

- `reads`: what the pages and the API read (inbox, overview, a submission against the live figures);
- `forms`, `views`: the pages; `api`: the HTTP API;
- `template`: the Excel import template.
"""
