"""The authority's answer: official responses to comments, the summary, its statistics,
the table of responses and the cached summary page."""
