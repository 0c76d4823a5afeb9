"""Ratings pages: rounds.py (rounds, rankings, scorecards, assessment and approval) and
records.py (responsibilities, disciplinary decisions, policies)."""
