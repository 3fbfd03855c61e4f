"""Idea photos: real pictures are re-encoded (upright, small enough, no metadata); everything else is refused."""

import math
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from app.ideas import photos
from config import Config
from tests.apps import another_app
from tests.pictures import large_picture, picture

MAX_PIXELS = 40_000_000
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def reencoded(data, max_pixels=MAX_PIXELS):
    out = photos.reencode(data, max_pixels)
    image = Image.open(BytesIO(out))
    image.load()
    return image, out


def camera_photo_with_gps():
    """A phone photo: EXIF with a GPS position, the camera model, and "rotate 90°" orientation."""
    image = Image.new("RGB", (400, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X"
    exif[ORIENTATION] = 6  # the camera was held upright: show rotated 90° clockwise
    exif[GPS_IFD] = {1: "N", 2: (56.0, 17.0, 39.0), 3: "E", 4: (26.0, 43.0, 28.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    data = out.getvalue()
    assert Image.open(BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the test photo really has a position
    return data


def test_exif_and_gps_are_gone_and_the_photo_is_turned_upright():
    image, out = reencoded(camera_photo_with_gps())
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {} and not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in out and b"secret comment" not in out
    assert image.size == (200, 400)  # the orientation was applied to the pixels, not kept as a tag


@pytest.mark.parametrize("fmt,extra", [("JPEG", {}), ("PNG", {}), ("WEBP", {}), ("GIF", {})])
def test_jpeg_png_webp_and_gif_are_accepted_and_become_jpeg(fmt, extra):
    image, _ = reencoded(picture(fmt, **extra))
    assert image.format == "JPEG" and image.size == (640, 480) and image.mode == "RGB"


def test_large_photos_are_made_at_most_1600_pixels_on_the_longer_side():
    image, _ = reencoded(picture(size=(4000, 3000)))
    assert image.size == (1600, 1200)
    assert reencoded(picture(size=(1000, 5000)))[0].size == (320, 1600)


def test_transparent_parts_become_white_not_black():
    image, _ = reencoded(picture("PNG", mode="RGBA", colour=(0, 0, 0, 0)))
    assert all(channel > 245 for channel in image.getpixel((10, 10)))


def test_an_animation_gives_its_first_frame():
    frames = [Image.new("RGB", (60, 40), colour) for colour in ((250, 0, 0), (0, 0, 250))]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image, _ = reencoded(out.getvalue())
    red, _green, blue = image.getpixel((30, 20))
    assert red > 200 and blue < 60


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",  # e.g. sent as photo.jpg
        b"just some text",
        b"GIF89a<script>alert(1)</script>",  # a polyglot: a GIF signature and HTML
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # the start of a JPEG and nothing more
        picture("BMP"),  # a real picture, but not a format we take
        picture("TIFF"),
    ],
)
def test_anything_but_a_readable_jpeg_png_webp_or_gif_is_refused(content):
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.reencode(content, MAX_PIXELS)
    assert str(refused.value.message).startswith("This file is not a picture we can use")


def test_a_truncated_photo_is_refused():
    data = picture(size=(800, 600))
    with pytest.raises(photos.PhotoRefused):
        photos.reencode(data[: len(data) // 2], MAX_PIXELS)


def test_a_decompression_bomb_is_refused_before_it_is_unpacked():
    bomb = picture("PNG", size=(10_000, 10_000), mode="1", colour=0)  # 100 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.reencode(bomb, MAX_PIXELS)
    assert "too many pixels" in str(refused.value.message)


def test_the_pixel_limit_is_configurable():
    data = picture(size=(2000, 1000))
    with pytest.raises(photos.PhotoRefused):
        photos.reencode(data, 1_000_000)
    assert reencoded(data, 2_000_000)[0].size == (1600, 800)


def test_pillows_own_bomb_check_is_refused_too_even_with_a_high_limit_of_ours():
    bomb = picture("PNG", size=(12_000, 12_000), mode="1", colour=0)  # over Pillow's own warning threshold
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.reencode(bomb, 10**12)
    assert "too many pixels" in str(refused.value.message)


def test_the_upload_is_read_no_further_than_the_limit():
    upload = FileStorage(stream=BytesIO(b"x" * 3000), filename="big.jpg")
    with pytest.raises(photos.PhotoRefused):
        photos.read_upload(upload, 2000)
    assert photos.read_upload(FileStorage(stream=BytesIO(b"abc"), filename="a.jpg"), 2000) == b"abc"
    with pytest.raises(photos.PhotoRefused):
        photos.read_upload(FileStorage(stream=BytesIO(b""), filename="empty.jpg"), 2000)


@pytest.fixture
def folder(tmp_path):
    with another_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "UPLOAD_FOLDER": str(tmp_path / "up")}) as app:
        with app.app_context():
            yield tmp_path / "up"


def test_photos_are_stored_under_new_random_names_and_deleted(folder):
    jpeg = photos.reencode(picture(), MAX_PIXELS)
    first, second = photos.save_photo(jpeg), photos.save_photo(jpeg)
    assert first != second
    assert photos.STORED_NAME.match(first) and sorted(os.listdir(folder)) == sorted([first, second])
    assert (folder / first).read_bytes() == jpeg
    photos.delete_photo(first)
    photos.delete_photo(first)  # already gone: nothing happens
    assert os.listdir(folder) == [second]


def test_only_names_we_gave_are_ever_deleted(folder, tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    folder.mkdir()
    for name in ("../precious.txt", "/etc/passwd", "precious.txt", "", None):
        photos.delete_photo(name)
    assert (tmp_path / "precious.txt").exists()


# --- memory: what unpacking a picture costs the server ------------------------------------------------------------

#: processes one picture file in a fresh interpreter and prints what came of it and how much the peak memory grew
MEASURE = """
import resource, sys
from io import BytesIO
from PIL import Image
from app.ideas import photos
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    size = "%dx%d" % Image.open(BytesIO(photos.reencode(data, int(sys.argv[2])))).size
except photos.PhotoRefused:
    size = "refused"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(size, (after - before) // 1024)  # ru_maxrss is in KiB on Linux
"""
REPOSITORY = Path(__file__).resolve().parents[2]
MEMORY_BOUND_MB = 100


def processed_in_a_fresh_process(data, tmp_path, max_pixels=Config.MAX_IMAGE_PIXELS):
    """(the re-encoded size as "WxH" or "refused", the growth of the process's peak memory in MB)."""
    path = tmp_path / "upload"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(max_pixels)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    size, grown_mb = result.stdout.split()
    return size, int(grown_mb)


def test_a_small_file_of_many_pixels_is_refused_with_its_size_before_it_takes_memory(tmp_path):
    bomb = large_picture("PNG", 6300)  # 6300 × 6300 px in about 130 KB: the review's 522 MB preview
    assert len(bomb) < 200_000
    with pytest.raises(photos.PhotoRefused) as refused:
        photos.reencode(bomb, Config.MAX_IMAGE_PIXELS)
    assert str(refused.value.message) == (
        "This picture has too many pixels (6300 × 6300). Please make it smaller, at most 12 megapixels, and choose it again."
    )
    size, grown_mb = processed_in_a_fresh_process(bomb, tmp_path)
    assert size == "refused" and grown_mb < MEMORY_BOUND_MB


# The largest picture of each kind the default limit lets in: JPEG is unpacked at a reduced size, so any camera
# photo passes; the others are unpacked whole and meet the limit sooner (WebP, and transparency, cost more).
AT_THE_LIMIT = [
    ("JPEG", 6300, "RGB"),
    ("PNG", math.isqrt(Config.MAX_IMAGE_PIXELS), "RGB"),
    ("PNG", math.isqrt(Config.MAX_IMAGE_PIXELS // 2), "RGBA"),
    ("WEBP", math.isqrt(Config.MAX_IMAGE_PIXELS // 4), "RGB"),
]


@pytest.mark.parametrize("fmt,side,mode", AT_THE_LIMIT)
def test_the_largest_pictures_let_in_are_made_small_within_bounded_memory(fmt, side, mode, tmp_path):
    size, grown_mb = processed_in_a_fresh_process(large_picture(fmt, side, mode), tmp_path)
    assert size == "1600x1600"
    assert grown_mb < MEMORY_BOUND_MB


@pytest.mark.parametrize("fmt,side,mode", AT_THE_LIMIT[1:])
def test_a_little_more_than_the_limit_is_refused(fmt, side, mode):
    with pytest.raises(photos.PhotoRefused):
        photos.reencode(large_picture(fmt, side + 1, mode), Config.MAX_IMAGE_PIXELS)
