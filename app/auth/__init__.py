"""Accounts: login, logout, registration, password rules and throttling."""
