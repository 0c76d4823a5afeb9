"""Django's own messages that its Vietnamese catalogue leaves untranslated, listed here so that
`make messages` keeps them in locale/vi (our catalogue takes precedence over Django's). A NUL
byte typed in a public form said "Null characters are not allowed." in English on a
Vietnamese page (issue 16, item 11). Nothing imports this module; it is read by makemessages."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Enter a valid duration."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("That page number is not an integer"),
    gettext_noop("That page number is less than 1"),
    gettext_noop("That page contains no results"),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Forbidden"),
    gettext_noop("CSRF verification failed. Request aborted."),
    # django.db.models.fields.BLANK_CHOICE_LABEL: the empty option of every optional select.
    gettext_noop("- Select an option -"),
]
