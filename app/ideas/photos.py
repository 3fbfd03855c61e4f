"""Idea photos: checked and re-encoded with Pillow, kept under random names outside static/.

Nothing the person sent is stored as it came: the picture is decoded (only as JPEG, PNG, WebP or GIF),
turned upright by its EXIF orientation, made at most MAX_SIDE pixels on the longer side and written as a
fresh JPEG without any metadata (no GPS position, no camera serial). SVG, HTML and anything else Pillow
cannot decode as one of those four is refused, and so is a picture that would unpack to too many pixels.
"""
import logging
import os
import re
import secrets
import warnings
from io import BytesIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_SIDE = 1600
JPEG_QUALITY = 85
#: the names save_photo gives; anything else is never opened or deleted
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")

NOT_A_PICTURE = _l("This file is not a picture we can use. Please choose a JPEG, PNG, WebP or GIF photo.")
TOO_MANY_PIXELS = _l("This picture is too large (too many pixels). Please choose a smaller one.")


class PhotoRefused(Exception):
    """The upload cannot be used; the message is shown next to the field."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def read_upload(upload, max_bytes):
    """The uploaded file's bytes, refused when it is larger than max_bytes (read no further than that)."""
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoRefused(_l("This photo is larger than %(mb)d MB. Please choose a smaller one.",
                              mb=max(1, max_bytes // (1024 * 1024))))
    if not data:
        raise PhotoRefused(NOT_A_PICTURE)
    return data


def reencode(data, max_pixels):
    """The picture in data as new JPEG bytes (upright, at most MAX_SIDE px, no metadata), or PhotoRefused."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (and only later fails) about very large pictures: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                # The size is in the header: check it before anything is decoded.
                if image.width * image.height > max_pixels:
                    raise PhotoRefused(TOO_MANY_PIXELS)
                image.seek(0)  # an animation: its first frame
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced size straight away
                image.load()
                picture = ImageOps.exif_transpose(image)
                picture = flatten(picture)
                picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                # Only the pixels go on: Pillow would write some of the original's metadata (e.g. its comment)
                # from image.info into the new file, so the new file is made from a fresh image.
                clean = Image.new("RGB", picture.size)
                clean.paste(picture)
                out = BytesIO()
                clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
                return out.getvalue()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused(TOO_MANY_PIXELS) from error
    except Exception as error:  # noqa: BLE001  (whatever a broken or hostile file makes Pillow raise)
        log.info("photo refused: %s: %s", type(error).__name__, error)
        raise PhotoRefused(NOT_A_PICTURE) from error


def flatten(image):
    """RGB for JPEG; transparent parts become white (not black)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def upload_folder():
    return current_app.config["UPLOAD_FOLDER"]


def save_photo(jpeg):
    """Write re-encoded JPEG bytes under a new random name; return the name."""
    folder = upload_folder()
    os.makedirs(folder, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    with open(os.path.join(folder, name), "xb") as file:  # "x": never overwrite
        file.write(jpeg)
    return name


def delete_photo(name):
    """Remove a stored photo; a missing file or a name we did not give is ignored."""
    if not name or not STORED_NAME.match(name):
        return
    try:
        os.remove(os.path.join(upload_folder(), name))
    except FileNotFoundError:
        pass
