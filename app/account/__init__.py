"""A person's own account: name, language, email change, password change and reset."""
