import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text, so "ba dinh" finds "Ba Đình".

    Search columns store this form: SQLite's LIKE folds only ASCII letters, so matching
    Vietnamese names case- and accent-insensitively needs it on every database.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()
