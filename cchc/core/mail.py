"""The development mailer: one readable line per e-mail on the console instead of its MIME
source, so that `make run` does not bury the demo accounts under base64 blocks."""

from typing import Any

from django.core.mail.backends import console


class OneLineConsoleBackend(console.EmailBackend):
    def write_message(self, message: Any) -> None:
        recipients = ", ".join(message.recipients())
        self.stream.write(f"[e-mail] {recipients}: {message.subject}\n")
