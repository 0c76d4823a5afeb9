"""Events of plans that higher modules react to (docs/decisions/0012-month-closed-signal.md).

plans sits below ratings and may not import it, so the month close announces itself instead of
calling ratings: receivers run inside the close's transaction, and a failing receiver undoes
the close.
"""

from django.dispatch import Signal

# Sent by actions.close_month after the tally is stored, with `close` and `actor`.
month_closed = Signal()
