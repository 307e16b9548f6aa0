"""Comments on consultations: posting, replies, edits with revisions."""
