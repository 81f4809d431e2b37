"""Contractors and other authorities the town hands work to."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .citizen_request_forward import _as_list, _iso, _parse_date


class CitizenExternalHandler(models.Model):
    """Someone outside the town hall who does the work of some requests: a
    contractor or another authority (intercommunalité, département).

    An ``open311`` handler runs a GeoReport v2 server: requests are POSTed to
    it and its updates are polled back. A ``link`` handler has no software:
    its contact receives an email with a signed link to a page of the work,
    where the work is marked done.
    """

    _name = "citizen.external.handler"
    _description = "External Handler (contractor, other authority)"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [("open311", "Open311 server"), ("link", "Signed link by email")],
        required=True,
        default="link",
        help="Open311: the requests are sent to the handler's GeoReport v2 "
        "server and its updates are read back. Signed link: the contact "
        "receives an email with a link to a page of the work, where the work "
        "is marked done with a comment and a photo.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        help="Receives the signed links (by email) and signs the messages the "
        "handler's answers leave in the requests' history.",
    )
    endpoint_url = fields.Char(
        string="Open311 Endpoint",
        help="Base URL of the handler's GeoReport v2 server, e.g. "
        "https://open311.example.org/v2/ (requests.json and "
        "servicerequestupdates.json are read below it).",
    )
    # Only administrators read it: it lets its holder file requests in the
    # handler's name.
    api_key = fields.Char(groups="base.group_system", copy=False)
    jurisdiction_id = fields.Char()
    service_code_ids = fields.One2many(
        "citizen.external.handler.service",
        "handler_id",
        string="Service Codes",
        copy=True,
    )
    default_service_code = fields.Char(
        help="Service code sent for a category that has no code of its own below."
    )
    date_last_poll = fields.Datetime(
        string="Updates Read Until",
        readonly=True,
        copy=False,
        help="Start of the next reading of the handler's updates.",
    )
    forward_ids = fields.One2many(
        "citizen.request.forward", "handler_id", string="Forwarded Requests"
    )

    @api.constrains("kind", "endpoint_url", "partner_id")
    def _check_kind_settings(self):
        for handler in self:
            if handler.kind == "open311" and not handler.endpoint_url:
                raise ValidationError(
                    self.env._("An Open311 handler needs the URL of its server.")
                )
            if handler.kind == "link" and not handler.partner_id.email:
                raise ValidationError(
                    self.env._(
                        "A handler reached by signed link needs a contact with an "
                        "email address."
                    )
                )

    def _get_service_code(self, category):
        """The handler's service code for ``category``, or its parents'."""
        self.ensure_one()
        codes = {line.category_id: line.service_code for line in self.service_code_ids}
        while category:
            if category in codes:
                return codes[category]
            category = category.parent_id
        return self.default_service_code

    def _poll_updates(self):
        """Read the handler's updates since the last reading and apply each
        new one to its forwarded request (each once: their ``update_id`` is
        kept). The next reading starts at the latest update read: an update
        read twice is ignored, none is skipped."""
        self.ensure_one()
        Forward = self.env["citizen.request.forward"]
        forwards = Forward.search(
            [("handler_id", "=", self.id), ("state", "=", "sent")]
        )
        if not forwards:
            return
        self._resolve_tokens(forwards.filtered(lambda f: not f.external_id))
        start = self.date_last_poll or min(forwards.mapped("date_sent"))
        params = {"start_date": _iso(start)}
        if self.api_key:
            params["api_key"] = self.api_key
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        answer = forwards[0]._call("GET", "servicerequestupdates.json", params=params)
        by_external_id = {f.external_id: f for f in forwards if f.external_id}
        updates = sorted(
            (u for u in _as_list(answer) if isinstance(u, dict)),
            key=lambda u: str(u.get("updated_datetime") or ""),
        )
        latest = start
        for update in updates:
            latest = max(latest, _parse_date(update.get("updated_datetime")))
            forward = by_external_id.get(str(update.get("service_request_id") or ""))
            if forward and forward.state == "sent":
                forward._apply_update(update)
        self.date_last_poll = latest

    def _resolve_tokens(self, forwards):
        """A server that answered with a token gives its request id later
        (GeoReport ``tokens/<token>.json``)."""
        for forward in forwards.filtered("external_token"):
            answer = _as_list(
                forward._call("GET", f"tokens/{forward.external_token}.json")
            )
            external_id = answer and answer[0].get("service_request_id")
            if external_id:
                forward.external_id = str(external_id)

    def _get_url(self, path):
        self.ensure_one()
        return f"{self.endpoint_url.rstrip('/')}/{path}"


class CitizenExternalHandlerService(models.Model):
    _name = "citizen.external.handler.service"
    _description = "Service code of an external handler for a category"

    handler_id = fields.Many2one(
        "citizen.external.handler", required=True, ondelete="cascade", index=True
    )
    category_id = fields.Many2one("citizen.request.category", required=True)
    service_code = fields.Char(required=True)

    _sql_constraints = [
        (
            "category_uniq",
            "unique(handler_id, category_id)",
            "A category has one service code per handler.",
        )
    ]
