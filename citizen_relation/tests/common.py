from datetime import datetime

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.mail.tests.common import MailCommon

# Wednesday 4 March 2026, 10:00 UTC: tests freeze the clock here.
NOW = datetime(2026, 3, 4, 10, 0, 0)

ADDONS = ("citizen_relation", "citizen_relation_routing", "citizen_relation_portal")


def load_french(env):
    """French, active with the translations of the installed addons of this
    repository, within the test's transaction; returns the ``res.lang``.

    ``make test`` installs French with the addons; Odoo's own runner may test
    them in a database without it. There French is activated and the
    addons' catalogs loaded here, and the test's rollback takes both away.
    """
    french = env["res.lang"]._lang_get("fr_FR")
    if french:
        return french
    french = env["res.lang"]._activate_lang("fr_FR")
    installed = env["ir.module.module"].search(
        [("name", "in", ADDONS), ("state", "=", "installed")]
    )
    env["ir.module.module"]._load_module_terms(installed.mapped("name"), ["fr_FR"])
    return french


POTHOLE = """Bonjour,
Il y a un nid de poule profond devant le 12 rue Victor Hugo.
Merci de faire le necessaire.
"""


def mime_part(content_type, body, *headers):
    """One part of a multipart email: its Content-Type, other header lines
    (``Content-Transfer-Encoding: base64``...), then its body."""
    return "\n".join([f"Content-Type: {content_type}", *headers, "", body])


def raw_email(
    body=POTHOLE,
    *headers,
    to="{to}",
    email_from="{email_from}",
    subject="{subject}",
    msg_id="{msg_id}",
    date="Wed, 4 Mar 2026 09:30:00 +0000",
    content_type='text/plain; charset="utf-8"',
    boundary="PART",
):
    """The raw RFC 822 text of an email, as a mail server hands it to Odoo's
    gateway (``message_process``); every test's email is built here.

    ``body`` is the text, or a list of ``mime_part()`` for a multipart email
    (``content_type`` then says which: ``multipart/mixed``...). ``headers``
    are more header lines (``In-Reply-To: <...>``, ``{extra}``). ``msg_id``
    or ``date`` None leaves that header out.

    Values default to ``str.format`` placeholders, so that the text is also a
    template for ``MailCommon.format()`` and ``format_and_process()``, which
    fill ``{to}``, ``{email_from}``, ``{subject}``, ``{msg_id}``,
    ``{return_path}``, ``{cc}`` and ``{extra}``: a template doubles the braces
    it means literally; text given fixed values needs no ``format()``.
    """
    lines = [f"To: {to}", f"From: {email_from}", f"Subject: {subject}"]
    lines.append("MIME-Version: 1.0")
    if date:
        lines.append(f"Date: {date}")
    if msg_id:
        lines.append(f"Message-ID: {msg_id}")
    if isinstance(body, str):
        lines += [f"Content-Type: {content_type}", "Content-Transfer-Encoding: 8bit"]
    else:
        lines.append(f'Content-Type: {content_type}; boundary="{boundary}"')
        body = "".join(f"--{boundary}\n{part}\n" for part in body)
        body += f"--{boundary}--\n"
    lines += headers
    return "\n".join([*lines, "", body])


# The other headers MailCommon.format() fills, for templates of raw_email().
GATEWAY_HEADERS = ("Return-Path: {return_path}", "cc: {cc}", "{extra}")
# A citizen writes about a pothole: a template for format_and_process().
RAW_EMAIL = raw_email(POTHOLE, *GATEWAY_HEADERS)


def run_acknowledgement_job(env):
    """What the scheduler does within a minute of requests arriving: run the
    acknowledgement job. Returns the requests it acknowledged."""
    cron = env.ref("citizen_relation.ir_cron_send_acknowledgements").sudo()
    Request = env["citizen.request"].sudo()
    pending = Request.search([("acknowledgement_method", "=", False)])
    cron.method_direct_trigger()
    env.invalidate_all()
    acknowledged = pending.filtered("acknowledgement_method")
    return env["citizen.request"].browse(acknowledged.ids)


def pending_triggers(env, xmlid):
    """Wake-ups of the scheduled action ``xmlid`` waiting for the scheduler."""
    job = env.ref(xmlid)
    return env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", job.id)])


class CitizenRequestCommon(MailCommon):
    """Town hall with a calendar, a category, agents, a manager and a citizen
    with a portal account. Nothing is taken from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Texts are asserted in English, whatever languages the database has.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.env["ir.default"].set("res.partner", "lang", "en_US")
        cls.company = cls.company_admin
        cls.company.write(
            {
                "name": "Mairie de Valmont",
                "email": "accueil@valmont.example.org",
                "phone": "01 23 45 67 89",
                "street": "1 place de la Mairie",
                "zip": "76540",
                "city": "Valmont",
            }
        )
        # Monday to Friday, 8-12 and 13-17 (the default attendances).
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Mairie", "tz": "UTC", "company_id": cls.company.id}
        )
        cls.company.resource_calendar_id = cls.calendar
        cls.Request = cls.env["citizen.request"]
        cls.category_parent = cls.env["citizen.request.category"].create(
            {"name": "Voirie", "code": "T-VOIRIE", "delay_days": 10}
        )
        cls.category = cls.env["citizen.request.category"].create(
            {
                "name": "Nid de poule",
                "code": "T-NID",
                "parent_id": cls.category_parent.id,
                "delay_days": 5,
                "default_priority": "1",
            }
        )
        cls.category_noise = cls.env["citizen.request.category"].create(
            {"name": "Bruit", "code": "T-BRUIT", "delay_days": 15}
        )
        cls.user_agent = new_test_user(
            cls.env,
            login="agent_voirie",
            name="Agnès Voirie",
            email="agnes.voirie@valmont.example.org",
            groups="citizen_relation.group_citizen_agent",
            company_id=cls.company.id,
            notification_type="inbox",
        )
        cls.user_agent_2 = new_test_user(
            cls.env,
            login="agent_etat_civil",
            name="Bruno Etat-Civil",
            email="bruno.ec@valmont.example.org",
            groups="citizen_relation.group_citizen_agent",
            company_id=cls.company.id,
            notification_type="inbox",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="chef_st",
            name="Claire Services-Techniques",
            email="claire.st@valmont.example.org",
            groups="citizen_relation.group_citizen_manager",
            company_id=cls.company.id,
            notification_type="inbox",
        )
        cls.user_citizen = new_test_user(
            cls.env,
            login="citoyen",
            name="Denise Martin",
            email="denise.martin@example.net",
            groups="base.group_portal",
            company_id=cls.company.id,
        )
        cls.partner_citizen = cls.user_citizen.partner_id
        cls.user_citizen_2 = new_test_user(
            cls.env,
            login="citoyen2",
            name="Étienne Petit",
            email="etienne.petit@example.net",
            groups="base.group_portal",
            company_id=cls.company.id,
        )
        # Fresh aliases rather than writing on the shipped one: the gateway
        # reports failures through a second cursor, which would wait forever
        # on a row locked by the test transaction.
        Alias = cls.env["mail.alias"]
        model = cls.env["ir.model"]._get_id("citizen.request")
        cls.alias = Alias.create(
            {
                "alias_name": "demandes-test",
                "alias_model_id": model,
                "alias_domain_id": cls.mail_alias_domain.id,
                "alias_contact": "everyone",
            }
        )
        cls.alias_email = f"demandes-test@{cls.alias_domain}"
        cls.alias_roads = Alias.create(
            {
                "alias_name": "voirie-test",
                "alias_model_id": model,
                "alias_domain_id": cls.mail_alias_domain.id,
                "alias_contact": "everyone",
                "alias_defaults": repr({"category_id": cls.category.id}),
            }
        )
        cls.alias_roads_email = f"voirie-test@{cls.alias_domain}"

    def _request_mails(self, request):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("model", "=", "citizen.request"), ("res_id", "=", request.id)],
                order="id",
            )
        )

    def _run_acknowledgement_job(self):
        return run_acknowledgement_job(self.env)

    def _acknowledgements(self, request):
        return self._request_mails(request).filtered(
            lambda mail: "we have received your request" in (mail.subject or "")
        )

    def _callback_activities(self, request):
        activity_type = self.env.ref("citizen_relation.mail_activity_type_acknowledge")
        return request.activity_ids.filtered(
            lambda activity: activity.activity_type_id == activity_type
        )

    def _create_request(self, **values):
        vals = {
            "title": "Nid de poule",
            "category_id": self.category.id,
            "channel": "web",
        }
        vals.update(values)
        return self.Request.create(vals)
