"""Composite index engine (COINr's method in Python). Pure: no Django imports.

See docs/composite.md.
"""
