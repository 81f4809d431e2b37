"""Photos as a phone takes them, with what the town must not keep: the place
(GPS), the camera, a comment and XMP. Shared by the tests of every way a
photo comes in."""

import io
import struct

from PIL import Image, PngImagePlugin

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F
EXIF_MODEL = 0x0110
EXIF_GPS_IFD = 0x8825
# Denise's garden, to the second.
GPS = {1: "N", 2: (49.0, 45.0, 40.0), 3: "E", 4: (0.0, 30.0, 40.0)}
CAMERA = "PhoneMaker"
COMMENT = b"Taken from my window"
XMP = (
    b"http://ns.adobe.com/xap/1.0/\x00"
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description '
    b'exif:GPSLatitude="49,45.67N"/></x:xmpmeta>'
)
# Stored as the sensor saw it: 60 wide, 30 high, left half blue. Displayed
# after a quarter turn clockwise (orientation 6): 30 wide, 60 high, blue on top.
SENSOR_SIZE = (60, 30)
BLUE, RED = (30, 30, 200), (200, 30, 30)


def _exif(orientation):
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[EXIF_MAKE] = CAMERA
    exif[EXIF_MODEL] = "Model X"
    exif[EXIF_GPS_IFD] = GPS
    return exif.tobytes()


def make_gps_jpeg(orientation=6):
    """Bytes of a JPEG photo with GPS and camera EXIF, a comment and XMP."""
    image = Image.new("RGB", SENSOR_SIZE, RED)
    image.paste(BLUE, (0, 0, SENSOR_SIZE[0] // 2, SENSOR_SIZE[1]))
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=_exif(orientation), comment=COMMENT)
    data = output.getvalue()
    # XMP is an APP1 segment of its own, right after the start of image.
    segment = b"\xff\xe1" + struct.pack(">H", len(XMP) + 2) + XMP
    return data[:2] + segment + data[2:]


def make_png_with_metadata():
    """Bytes of a PNG picture with EXIF (GPS, camera) and text chunks."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_text("XML:com.adobe.xmp", XMP.decode())
    output = io.BytesIO()
    Image.new("RGBA", (12, 8), (1, 2, 3, 128)).save(
        output, format="PNG", pnginfo=info, exif=_exif(1)
    )
    return output.getvalue()


class PhotoAssertions:
    """Mixin of assertions on stored photos."""

    def assertPhotoCarriesMetadata(self, data):
        """The photo built by this module carries what must be removed (the
        check of the test itself)."""
        image = Image.open(io.BytesIO(data))
        self.assertEqual(image.getexif().get_ifd(EXIF_GPS_IFD)[2], GPS[2])

    def assertPhotoClean(self, data, fmt="JPEG", size=None):
        """``data`` is a picture of format ``fmt`` without EXIF, GPS,
        camera, XMP or comment."""
        image = Image.open(io.BytesIO(data))
        self.assertEqual(image.format, fmt)
        exif = image.getexif()
        self.assertFalse(dict(exif), "no EXIF tag is kept")
        self.assertFalse(exif.get_ifd(EXIF_GPS_IFD), "no GPS position is kept")
        for trace in (CAMERA.encode(), COMMENT, b"xmpmeta", b"Exif\x00\x00", b"eXIf"):
            self.assertNotIn(trace, data)
        self.assertFalse(
            {"exif", "comment", "xmp", "Comment", "XML:com.adobe.xmp"} & set(image.info)
        )
        if size:
            self.assertEqual(image.size, size)
        return image

    def assertPhotoTurned(self, data):
        """The JPEG built by :func:`make_gps_jpeg` was turned as its EXIF
        orientation said: upright, blue on top, red below."""
        image = self.assertPhotoClean(data, size=SENSOR_SIZE[::-1])
        rgb = image.convert("RGB")
        for pixel, colour in (
            (rgb.getpixel((15, 10)), BLUE),
            (rgb.getpixel((15, 50)), RED),
        ):
            self.assertTrue(
                all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True)),
                f"{pixel} is not {colour}",
            )
