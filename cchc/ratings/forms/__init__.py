"""Ratings forms: rounds.py (filters, assessment, response, approval) and records.py
(responsibilities, disciplinary decisions, policies)."""
