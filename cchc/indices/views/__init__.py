"""The index's pages, one module per page group: frameworks.py (the criteria frameworks),
rounds.py (rounds and self-assessment), council.py (the appraisal council), results.py (a
round's results and their publication), public.py (the public pages) and external.py
(external indices)."""
