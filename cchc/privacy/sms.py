"""Text messages to a citizen's phone (the one-time codes of the public "my data" page).

CCHC has no SMS gateway of its own: `settings.CCHC_SMS_SENDER` names a function
(phone, text) -> None that sends one message, raising on failure (the job is then retried).
The default, `log_sender`, only writes the message to the log — fine in development, useless
in production: an operator must plug in their gateway's sender (docs/operations.md, "Text
messages"); until then, citizens whose contact is a phone number prove control with the contact
itself."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("cchc.privacy.sms")


def log_sender(phone: str, text: str) -> None:
    """The development sender: logs the message (the number masked), sends nothing."""
    logger.warning("SMS not sent (no gateway configured) to %s: %s", phone[:3] + "•••", text)


def send_sms(phone: str, text: str) -> None:
    """Send `text` to `phone` through the configured sender."""
    import_string(settings.CCHC_SMS_SENDER)(phone, text)
