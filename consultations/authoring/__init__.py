"""Officials' authoring of consultations in the browser: the dashboard, creating, editing,
previewing, publishing, copying, inviting organizations and their notifications."""
