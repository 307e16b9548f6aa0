"""Joining organizations: requests to join or register one, decided by its admins or site admins."""
