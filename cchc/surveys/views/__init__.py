"""The pages of satisfaction surveys: campaigns.py (campaigns, a unit's link, QR code
and poster), review.py (the review queue, interviewer entry, paper forms), results.py (results
and their exports), questionnaires.py (the questionnaire editor) and public.py (the
respondents' public form, no login). The forms are in cchc/surveys/forms.py."""
