"""The staff pages of satisfaction surveys: campaigns.py (campaigns, a unit's link, QR code
and poster), review.py (the review queue, interviewer entry, paper forms), results.py (results
and their exports). The public form is elsewhere (the respondents' pages)."""
