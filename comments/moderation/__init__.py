"""Reports (ilmiannot), hiding and restoring comments, appeals and the moderation log."""
