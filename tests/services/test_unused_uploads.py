"""`flask purge` deletes the uploaded files no row refers to once they are a day old (photos kept for a form with an
error and never used, replaced ones): real files in a test upload folder. A new file, a file some row shows, a
symlink and anything outside the folder stay."""

import os
from datetime import timedelta

from app.extensions import db
from app.privacy import retention
from app.privacy.retention import purge, purge_unused_uploads, upload_name_columns
from app.timeutil import utcnow
from tests.factories import make_activity, make_activity_photo, make_idea, make_organisation
from tests.factories_photos import stored_photo

STEP = "unused uploaded photos and logos deleted (older than a day)"


def test_every_picture_column_is_looked_at(ctx):
    names = {f"{column.table.name}.{column.name}" for column in upload_name_columns()}
    assert names == {
        "ideas.image_name",
        "activities.image_name",
        "activity_photos.image_name",
        "organisations.logo_name",
    }


def test_an_old_unreferenced_file_goes_a_new_one_and_referenced_ones_stay(ctx, uploads):
    old_unused = stored_photo(uploads, days_old=2)
    new_unused = stored_photo(uploads)  # a form with an error, being filled in now
    almost_a_day = stored_photo(uploads, days_old=0.9)
    idea_photo = stored_photo(uploads, days_old=30)
    activity_photo = stored_photo(uploads, days_old=30)
    outcome_photo = stored_photo(uploads, days_old=30)
    logo = stored_photo(uploads, days_old=30)
    make_idea(image_name=idea_photo)
    activity = make_activity(image_name=activity_photo)
    make_activity_photo(activity, image_name=outcome_photo)
    make_organisation(logo_name=logo)
    db.session.commit()

    assert purge()[STEP] == 1

    assert sorted(path.name for path in uploads.iterdir()) == sorted(
        [new_unused, almost_a_day, idea_photo, activity_photo, outcome_photo, logo]
    )
    assert old_unused not in os.listdir(uploads)
    assert purge()[STEP] == 0  # a second run finds nothing


def test_an_activity_keeps_the_file_of_the_idea_it_grew_from(ctx, uploads):
    shared = stored_photo(uploads, days_old=10)
    make_activity(image_name=shared)  # the idea's photo removed from the idea, still on the activity

    assert purge_unused_uploads(utcnow()) == 0
    assert (uploads / shared).exists()


def test_a_date_in_the_future_does_not_age_the_files(ctx, uploads):
    new_unused = stored_photo(uploads)

    assert purge_unused_uploads(utcnow() + timedelta(days=400)) == 0
    assert (uploads / new_unused).exists()


def test_only_our_own_plain_files_in_the_folder_are_touched(ctx, uploads, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = stored_photo(outside, days_old=5)
    link_name = "c" * 32 + ".jpg"
    uploads.mkdir()
    os.symlink(outside / target, uploads / link_name)
    os.utime(uploads / link_name, (0, 0), follow_symlinks=False)
    folder_like_a_photo = uploads / ("d" * 32 + ".jpg")
    folder_like_a_photo.mkdir()
    nested = stored_photo(folder_like_a_photo, days_old=5)
    other = uploads / "README.txt"
    other.write_text("not a photo")
    os.utime(other, (0, 0))

    assert purge_unused_uploads(utcnow()) == 0

    assert (outside / target).exists()
    assert os.path.islink(uploads / link_name)
    assert (folder_like_a_photo / nested).exists() and other.exists()


def test_a_missing_folder_is_nothing_to_do(ctx, uploads):
    assert not uploads.exists()
    assert purge_unused_uploads(utcnow()) == 0


def test_a_file_deleted_by_another_run_meanwhile_is_not_counted(ctx, uploads, monkeypatch):
    name = stored_photo(uploads, days_old=3)
    asked = retention.referenced_names

    def meanwhile(names):
        (uploads / name).unlink()  # the other run was quicker
        return asked(names)

    monkeypatch.setattr(retention, "referenced_names", meanwhile)

    assert purge_unused_uploads(utcnow()) == 0
