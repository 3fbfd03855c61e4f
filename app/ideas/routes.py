"""Pages of the ideas domain: write, edit, submit and withdraw an idea; its photo; support and follow.

The idea's page (and archiving, which shows it again on a mistake) is in app/main/idea_page.py.
"""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions
from app.centres.location import coordinate_text
from app.errors import NotAllowed
from app.extensions import db, limiter
from app.forms import checked_button_form
from app.ideas import bp, list_queries, pending, photos, queries, services
from app.ideas.forms import IdeaForm

#: the buttons of the idea form; anything else counts as "save"
FORM_ACTIONS = ("preview", "save", "submit")


def poster_key():
    """Posting limits count per account (per address for nobody signed in, who is sent to log in anyway)."""
    if current_user.is_authenticated:
        return f"ideas:user:{current_user.id}"
    return f"ideas:ip:{get_remote_address()}"


def saved_or_photo_sent(response):
    """What counts against the posting limits: a saved idea (a redirect), and any form sent with a photo.

    A preview or a form with errors costs next to nothing, unless a photo came with it: unpacking a picture
    takes real memory and time, so those count as a save does (and a saved idea with a photo counts once).
    """
    return response.status_code == 302 or any(upload.filename for upload in request.files.values())


def chosen_action():
    """The button the idea form was sent with (preview, save or submit); anything else counts as save."""
    action = request.form.get("action", "save")
    return action if action in FORM_ACTIONS else "save"


# Writing and editing ----------------------------------------------------------------------------------------------


def setup_choices(form, idea=None):
    """Offer the active categories and centres (plus the idea's own, should it have become inactive).

    With a single active centre the centre field goes away; returns the centre id to use then.
    """
    language = str(get_locale())
    categories, centres = list_queries.filter_choices()
    category_choices = [SelectChoice(category.id, category.name(language)) for category in categories]
    centre_choices = [SelectChoice(centre.id, centre.name) for centre in centres]
    if idea is not None and idea.category_id not in {choice.value for choice in category_choices}:
        category_choices.append(SelectChoice(idea.category_id, idea.category.name(language)))
    form.category.choices = [SelectChoice("", _("Choose a category"))] + category_choices
    if len(centre_choices) <= 1 and (idea is None or not centre_choices or idea.centre_id == centre_choices[0].value):
        del form.centre
        if idea is not None:
            return idea.centre_id
        return centre_choices[0].value if centre_choices else None
    if idea is not None and idea.centre_id not in {choice.value for choice in centre_choices}:
        centre_choices.append(SelectChoice(idea.centre_id, idea.centre.name))
    form.centre.choices = [SelectChoice("", _("Choose a centre"))] + centre_choices
    return None


def initial_data(idea):
    """The idea's fields as form data, for the edit form."""
    return {
        "title": idea.title,
        "summary": idea.summary,
        "description": idea.description,
        "kind": idea.kind,
        "category": idea.category_id,
        "centre": idea.centre_id,
        "place": idea.place,
        "latitude": coordinate_text(idea.latitude),
        "longitude": coordinate_text(idea.longitude),
        "needs": idea.needs,
        "seeking_school_partner": idea.seeking_school_partner,
        "partner_age_groups": idea.age_group_codes(),
        "partner_subjects": idea.subject_codes(),
    }


def render_form(form, idea=None, preview=False, kept=None):
    """The idea form page, for a new idea or one being changed, with the preview above it when asked for."""
    return render_template("ideas/form.html", form=form, idea=idea, preview=preview, kept=kept)


def form_key(idea):
    """Which form a pending photo belongs to: "new", or the id of the idea being changed."""
    return idea.id if idea else "new"


def shown_again(form, action, idea=None):
    """The form shown again (a preview or errors): a photo that passed its checks is kept as pending, not lost."""
    forged = "csrf_token" in form.errors  # a form from another site: it changes nothing in the session
    if not forged and form.photo_jpeg is not None:
        pending.keep(form.photo_jpeg, form.photo.data.filename, current_user.id, form_key(idea))
    elif not forged and form.discard_pending.data:
        pending.discard()
    form.discard_pending.data = False
    kept = pending.current(current_user.id, form_key(idea))
    return render_form(form, idea, preview=action == "preview" and not forged, kept=kept)


def chosen_photo(form, idea=None):
    """The stored name of the photo to save with the idea: a new upload, else the kept pending one (or None)."""
    if form.photo_jpeg is not None:
        pending.discard()
        return photos.save_photo(form.photo_jpeg)
    if form.discard_pending.data:
        pending.discard()
        return None
    return pending.take(current_user.id, form_key(idea))


def create_limit():
    """How many new ideas one person may post in a while (IDEA_CREATE_LIMIT, e.g. "10 per day")."""
    return current_app.config["IDEA_CREATE_LIMIT"]


def edit_limit():
    """How many times one person may save changes to ideas in a while (IDEA_EDIT_LIMIT)."""
    return current_app.config["IDEA_EDIT_LIMIT"]


@bp.route("/ideas/new", methods=["GET", "POST"])
@limiter.limit(create_limit, key_func=poster_key, methods=["POST"], deduct_when=saved_or_photo_sent)
@login_required
def new_idea():
    """The page to write a new idea (preview, save as a draft, submit for review): for confirmed, unsuspended members."""
    if not permissions.can_create_idea(current_user):
        if not current_user.is_confirmed:
            raise NotAllowed(_("Please confirm your e-mail address before you post ideas: follow the link we sent you."))
        raise NotAllowed()
    form = IdeaForm()
    only_centre = setup_choices(form)
    if request.method == "GET" and "centre" in form:
        form.centre.data = current_user.home_centre_id
    if not form.is_submitted():
        return render_form(form)
    action = chosen_action()
    valid = form.validate()
    if action == "preview" or not valid:
        return shown_again(form, action)
    content = form.content()
    content["centre_id"] = form.centre.data if "centre" in form else only_centre
    image_name = chosen_photo(form)
    try:
        idea = services.create_idea(current_user, image_name=image_name, **content)
        if action == "submit":
            services.transition(idea, "submit", current_user)
        db.session.commit()
    except BaseException:
        photos.delete_photo(image_name)  # nothing was saved, so the file must not stay either
        raise
    if action == "submit":
        flash(
            _(
                "Your idea is saved and sent to the centre's coordinator for review. You will get a notification "
                "when it is decided."
            ),
            "success",
        )
    else:
        flash(_("Your idea is saved as a draft. Only you can see it until you submit it for review."), "success")
    return redirect(url_for("ideas.idea_detail", idea_id=idea.id))


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@limiter.limit(edit_limit, key_func=poster_key, methods=["POST"], deduct_when=saved_or_photo_sent)
@login_required
def edit_idea(idea_id):
    """The page to change an idea (preview, save, submit again): its author, while a draft or when changes were requested."""
    idea = queries.idea_for(current_user, idea_id)
    if not permissions.can_edit_idea(current_user, idea):
        if idea.author_id == current_user.id:
            raise NotAllowed(
                _("This idea cannot be changed now: only drafts and ideas the coordinator asked you to change can be edited."),
                what="ideas.edit_idea",
            )
        raise NotAllowed(what="ideas.edit_idea")
    form = IdeaForm() if request.method == "POST" else IdeaForm(data=initial_data(idea))
    kept_centre = setup_choices(form, idea)
    if not form.is_submitted():
        return render_form(form, idea)
    action = chosen_action()
    valid = form.validate()
    if action == "preview" or not valid:
        return shown_again(form, action, idea)
    content = form.content()
    content["centre_id"] = form.centre.data if "centre" in form else kept_centre
    old_image = idea.image_name
    new_image = chosen_photo(form, idea)
    if new_image is not None:
        content["image_name"] = new_image
    elif form.remove_photo.data:
        content["image_name"] = None
    try:
        services.update_idea(current_user, idea, **content)
        if action == "submit":
            services.transition(idea, "submit", current_user)
        db.session.commit()
    except BaseException:
        photos.delete_photo(new_image)
        raise
    if old_image and content.get("image_name", old_image) != old_image:
        photos.delete_photo(old_image)  # after the commit: until then the idea still showed it
    if action == "submit":
        flash(_("Your changes are saved and the idea is sent to the centre's coordinator for review."), "success")
    else:
        flash(_("Your changes are saved."), "success")
    return redirect(url_for("ideas.idea_detail", idea_id=idea.id))


@bp.route("/me/ideas")
@login_required
def my_ideas():
    """The person's own ideas, drafts included: the way back to a draft saved earlier."""
    return render_template("ideas/mine.html", ideas=queries.my_ideas(current_user))


# The idea's photo ---------------------------------------------------------------------------------------------


@bp.route("/ideas/kept-photo")
@login_required
def kept_photo():
    """The photo kept for the person's own form (?form=new or an idea's id) while it shows an error; anyone else: 404."""
    kept = pending.current(current_user.id, request.args.get("form", ""))
    if kept is None:
        abort(404)
    response = send_from_directory(photos.upload_folder(), kept["name"], mimetype="image/jpeg", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/ideas/<int:idea_id>/photo")
def photo(idea_id):
    """The idea's photo, for those who may see the idea (another person's draft: 404, as its page)."""
    idea = queries.idea_for(current_user, idea_id)
    if not idea.image_name or not photos.STORED_NAME.match(idea.image_name):
        abort(404)
    response = send_from_directory(
        photos.upload_folder(), idea.image_name, mimetype="image/jpeg", max_age=86400 if idea.is_public else 0, conditional=True
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response  # a public idea's photo is kept a day; any other is no-store (app/caching.py)


# Lifecycle and reactions (every one a POST with a CSRF token) -----------------------------------------------------


def back_to_idea(idea):
    """Redirect to the idea's page."""
    return redirect(url_for("ideas.idea_detail", idea_id=idea.id))


@bp.route("/ideas/<int:idea_id>/submit", methods=["POST"])
@login_required
def submit_idea(idea_id):
    """Send the idea for the centre coordinator's review: a POST by its author, while a draft or when changes were requested."""
    idea = queries.idea_for(current_user, idea_id)
    checked_button_form()
    services.transition(idea, "submit", current_user)
    db.session.commit()
    flash(
        _("Your idea is sent to the centre's coordinator for review. You will get a notification when it is decided."), "success"
    )
    return back_to_idea(idea)


@bp.route("/ideas/<int:idea_id>/withdraw", methods=["POST"])
@login_required
def withdraw_idea(idea_id):
    """Take an idea waiting for review back among the author's drafts: a POST by its author."""
    idea = queries.idea_for(current_user, idea_id)
    checked_button_form()
    services.transition(idea, "withdraw", current_user)
    db.session.commit()
    flash(_("Your idea is back among your drafts. You can change it and submit it again."), "success")
    return back_to_idea(idea)


@bp.route("/ideas/<int:idea_id>/support", methods=["POST"])
@login_required
def support(idea_id):
    """Support a published idea: a POST by a member, never on their own idea."""
    idea = queries.idea_for(current_user, idea_id)
    checked_button_form()
    services.support_idea(current_user, idea)
    db.session.commit()
    flash(_("Thank you for supporting this idea!"), "success")
    return back_to_idea(idea)


@bp.route("/ideas/<int:idea_id>/unsupport", methods=["POST"])
@login_required
def unsupport(idea_id):
    """Take one's support of an idea back: a POST by a signed-in person (none given: nothing happens)."""
    idea = queries.idea_for(current_user, idea_id)
    checked_button_form()
    services.withdraw_support(current_user, idea)
    db.session.commit()
    flash(_("Your support is withdrawn."), "success")
    return back_to_idea(idea)


@bp.route("/ideas/<int:idea_id>/follow", methods=["POST"])
@login_required
def follow(idea_id):
    """Follow a public idea to be told of its comments and decisions: a POST by a member."""
    idea = queries.idea_for(current_user, idea_id)
    checked_button_form()
    services.follow_idea(current_user, idea)
    db.session.commit()
    flash(_("You are following this idea: you will be notified of new comments and decisions."), "success")
    return back_to_idea(idea)


@bp.route("/ideas/<int:idea_id>/unfollow", methods=["POST"])
@login_required
def unfollow(idea_id):
    """Stop following an idea: a POST by a signed-in person."""
    idea = queries.idea_for(current_user, idea_id)
    checked_button_form()
    services.unfollow_idea(current_user, idea)
    db.session.commit()
    flash(_("You no longer follow this idea."), "success")
    return back_to_idea(idea)
