from odoo import SUPERUSER_ID, api

# The shipped categories about a public place: their requests are published in
# the open data. The others concern a person and stay unpublished, as every
# category the town created, until an administrator decides otherwise.
PUBLISHED_CATEGORIES = (
    "category_roads",
    "category_pothole",
    "category_signage",
    "category_cleanliness",
    "category_fly_tipping",
    "category_graffiti",
    "category_green_spaces",
    "category_pruning",
    "category_street_lighting",
    "category_lamp_out",
)


def migrate(cr, version):
    """Requests are published by category now, and no longer all of them.

    Before, every request of a public category was listed by Open311 with
    its requester's own title and full address. The new flag starts unticked
    on every category; the shipped categories about a public place get it
    back, if the town still offers them to citizens.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    categories = env["citizen.request.category"]
    for name in PUBLISHED_CATEGORIES:
        category = env.ref(f"citizen_relation.{name}", raise_if_not_found=False)
        if category and category._name == "citizen.request.category":
            categories |= category
    categories.filtered("is_public").write({"publish_requests": True})
