"""Comments on consultations: the discussion (posting, replies, edits with revisions).

Sub-packages, each importing only the rooms before it:
discussion (this package) ← moderation ← responses ← opendata.
"""
