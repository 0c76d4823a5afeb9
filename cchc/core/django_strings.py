"""Django's own strings that its Vietnamese catalogue leaves untranslated. Marked here so that
`make messages` keeps them in the project's catalogue, which Django reads before its own
(LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

# django.db.models.fields.BLANK_CHOICE_LABEL: the empty option of every optional select.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
