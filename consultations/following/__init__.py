"""Following consultations: the follow button, and notifications (immediate or a daily digest)."""
