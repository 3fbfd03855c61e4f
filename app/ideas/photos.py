"""Idea photos: checked and re-encoded with Pillow, kept under random names outside static/.

Nothing the person sent is stored as it came: the picture is decoded (only as JPEG, PNG, WebP or GIF),
turned upright by its EXIF orientation, made at most MAX_SIDE pixels on the longer side and written as a
fresh JPEG without any metadata (no GPS position, no camera serial). SVG, HTML and anything else Pillow
cannot decode as one of those four is refused, and so is a picture that would unpack to too many pixels.

Memory is what a hostile picture attacks: a 120 KB PNG of 6300 × 6300 pixels unpacks to 160 MB. So the size that
will be unpacked is read from the header and checked before anything is decoded; a JPEG is unpacked at 1/2, 1/4
or 1/8 of its size straight away (a large camera photo costs little), the other formats at full size, so they
meet the limit sooner; and the picture is made small before any other full-size copy is made.
Every picture the site takes (idea photos, outcome photos, organisation logos) goes through reencode.
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
#: shrink by whole steps (cheap, in place) down to this many times the final size, then resample (LANCZOS):
#: from 3 on the result cannot be told from resampling the whole picture
REDUCING_GAP = 3.0
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
        raise PhotoRefused(
            _l("This photo is larger than %(mb)d MB. Please choose a smaller one.", mb=max(1, max_bytes // (1024 * 1024)))
        )
    if not data:
        raise PhotoRefused(NOT_A_PICTURE)
    return data


def reencode(data, max_pixels):
    """The picture in data as new JPEG bytes (upright, at most MAX_SIDE px, no metadata), or PhotoRefused.

    max_pixels bounds the pixels unpacked in memory (fewer for pictures that cost more to unpack, below): a
    picture at the limit takes at most about 7 bytes a pixel.
    """
    try:
        with warnings.catch_warnings():
            # Pillow warns (and only later fails) about very large pictures: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                image.seek(0)  # an animation: its first frame
                width, height = image.size
                image.draft("RGB", fitted_size(image.size))  # JPEG only: unpack at a reduced size straight away
                # The size that will be unpacked is known from the header: check it before anything is decoded.
                allowed = max_pixels // unpacking_cost(image)
                if image.width * image.height > allowed:
                    raise PhotoRefused(too_many_pixels(width, height, allowed))
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # turned without a copy kept (none when upright)
                picture = flatten(image)  # an RGB picture as it is; others: one converted copy
                # Shrinking works in place: whole steps down (cheap), then LANCZOS for the last bit.
                picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
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


def unpacking_cost(image):
    """How many times the memory of an RGB JPEG or PNG of the same size the picture takes to unpack (measured).

    Pillow unpacks WebP through a full-size frame buffer and two copies of it; a picture that is not plain RGB
    (grey, transparency, a palette, CMYK) needs a converted full-size copy besides.
    """
    cost = 4 if image.format == "WEBP" else 1
    return cost if image.mode == "RGB" and "transparency" not in image.info else cost * 2


def fitted_size(size):
    """The size the picture will have: at most MAX_SIDE on the longer side, the same shape."""
    width, height = size
    scale = min(1, MAX_SIDE / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def too_many_pixels(width, height, allowed):
    """The refusal for a picture with too many pixels: its size, and the most megapixels allowed."""
    return _l(
        "This picture has too many pixels (%(width)d × %(height)d). Please make it smaller, at most "
        "%(megapixels)d megapixels, and choose it again.",
        width=width,
        height=height,
        megapixels=max(1, allowed // 1_000_000),
    )


def flatten(image):
    """RGB for JPEG; transparent parts become white (not black)."""
    if image.mode == "PA" or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image)  # the alpha band is the mask: no copy of the picture is made
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def upload_folder():
    """The folder (UPLOAD_FOLDER) where the photos of ideas and activities and the logos are kept."""
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
