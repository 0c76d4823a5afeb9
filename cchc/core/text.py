import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text, so "ba dinh" finds "Ba Đình".

    Search columns store this form: SQLite's LIKE folds only ASCII letters, so matching
    Vietnamese names case- and accent-insensitively needs it on every database.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


# Line breaks and tabs are text; every other control character (NUL, escape sequences, bells)
# and a lone surrogate are not, and NUL cannot even be stored by PostgreSQL.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a control character other than a line break or tab, or a lone
    surrogate: what a person typing never produces and a database may refuse."""
    return any(
        unicodedata.category(char) in ("Cc", "Cs") and char not in ALLOWED_CONTROLS for char in text
    )
