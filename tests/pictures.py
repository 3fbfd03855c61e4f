"""Pictures for the photo tests, made with Pillow."""

from functools import cache
from io import BytesIO

from PIL import Image


def picture(fmt="JPEG", size=(640, 480), mode="RGB", colour=(20, 110, 60), **save_args):
    image = Image.new(mode, size, colour)
    out = BytesIO()
    image.save(out, fmt, **save_args)
    return out.getvalue()


@cache
def large_picture(fmt="PNG", side=6300, mode="RGB"):
    """A square picture of one colour: a small file (a 6300 px PNG is about 130 KB) that unpacks to many pixels.

    Kept once per test process: making it takes as much memory as unpacking it.
    """
    colour = (200, 40, 40, 128) if mode == "RGBA" else (200, 40, 40)
    return picture(fmt, size=(side, side), mode=mode, colour=colour)
