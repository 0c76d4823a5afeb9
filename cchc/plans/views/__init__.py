"""Views of plans, one module per area: pages.py (plans, tasks, reports, reviews, workspace),
excel.py (import and export)."""
