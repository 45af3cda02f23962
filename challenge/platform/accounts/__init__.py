"""Accounts: users, passwords, roles."""
