"""The dialogues pages: public.py (no login), conferences.py and petitions.py (staff)."""
