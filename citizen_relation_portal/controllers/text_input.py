"""Cleaning of the text that visitors and API clients send."""


def clean_text(value):
    """Trim the text and drop NUL characters, which PostgreSQL cannot store.

    Anything else the visitor typed is kept: the fields are escaped or
    sanitised where they are shown.
    """
    return value.replace("\x00", "").strip()
