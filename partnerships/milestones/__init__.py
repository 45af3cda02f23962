"""Delivering a running partnership: the partner's evidence, four-eyes reviews, finance's
payments, reminders and the due-date calendars."""
