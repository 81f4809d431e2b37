"""Cleaning of the text that visitors and API clients send."""


def clean_text(value):
    """Trim the text and drop NUL characters, which PostgreSQL cannot store.

    Anything else the visitor typed is kept: the fields are escaped or
    sanitised where they are shown.
    """
    return value.replace("\x00", "").strip()


class CoordinatesOutOfRange(ValueError):
    """Numbers given as coordinates that are not a place on Earth."""


def parse_coordinates(latitude, longitude, decimal_comma=False):
    """The latitude and longitude given, as numbers.

    :raise ValueError: when either is not a number
    :raise CoordinatesOutOfRange: outside -90..90 and -180..180
    """
    values = [str(value) for value in (latitude, longitude)]
    if decimal_comma:
        values = [value.replace(",", ".") for value in values]
    lat, lng = (float(value) for value in values)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise CoordinatesOutOfRange(f"{lat}, {lng}")
    return lat, lng
