"""A request handed to a contractor or another authority, and its way back.

Nothing handed out is lost or sent twice. A forward is recorded in the
transaction of the request (state ``queued``); a scheduled job sends it, and
keeps retrying with a growing delay while the handler's server is down or
slow. An attempt that may have reached the handler (a timeout, an error of
their server) is checked on their side before any new POST: their list of
requests is searched for our reference, which every POST carries.
"""

import logging
import secrets
import threading
from datetime import timedelta

import requests as http_client
from markupsafe import Markup
from urllib3.exceptions import NewConnectionError

from odoo import api, fields, models, modules
from odoo.tools import consteq, html2plaintext

_logger = logging.getLogger(__name__)

PARAM = "citizen_relation_routing.forward_"
# (parameter, default): seconds of an HTTP call, minutes of the first retry
# delay (doubled at each failure), hours the delay never exceeds, days a
# signed link stays valid
DEFAULTS = {
    "timeout": 10,
    "retry_minutes": 5,
    "retry_max_hours": 24,
    "link_days": 90,
}
# HTTP answers after which the same POST may be tried again later
RETRY_STATUSES = {408, 425, 429}


class ForwardError(Exception):
    """An attempt failed. ``retry`` says whether trying later may help,
    ``uncertain`` whether the handler may have recorded it anyway."""

    def __init__(self, message, retry=True, uncertain=False):
        super().__init__(message)
        self.retry = retry
        self.uncertain = uncertain


class CitizenRequestForward(models.Model):
    _name = "citizen.request.forward"
    _description = "Request Forwarded to an External Handler"
    _order = "id desc"
    _rec_name = "reference"

    request_id = fields.Many2one(
        "citizen.request", required=True, index=True, ondelete="cascade"
    )
    handler_id = fields.Many2one(
        "citizen.external.handler", required=True, index=True, ondelete="restrict"
    )
    kind = fields.Selection(related="handler_id.kind")
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    reference = fields.Char(
        required=True,
        readonly=True,
        help="Our reference, sent with the request: the handler's server is "
        "searched for it before a request is sent again.",
    )
    state = fields.Selection(
        [
            ("queued", "Waiting to be sent"),
            ("sent", "With the handler"),
            ("failed", "Refused"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="queued",
        required=True,
        index=True,
        readonly=True,
    )
    external_id = fields.Char(
        string="Their Reference",
        readonly=True,
        index="btree_not_null",
        help="service_request_id given by the handler's server.",
    )
    external_token = fields.Char(readonly=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    date_first_attempt = fields.Datetime(readonly=True)
    date_next_attempt = fields.Datetime(
        string="Next Attempt", readonly=True, index="btree_not_null"
    )
    date_sent = fields.Datetime(readonly=True)
    date_done = fields.Datetime(readonly=True)
    may_have_reached = fields.Boolean(
        readonly=True,
        help="An attempt failed after the request may have reached the "
        "handler: their server is checked for our reference before sending "
        "again.",
    )
    last_error = fields.Text(readonly=True)
    # Whoever holds it can see the work and mark it done: administrators only.
    access_token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    date_link_expiry = fields.Datetime(string="Link Valid Until", readonly=True)
    update_ids = fields.One2many(
        "citizen.request.forward.update", "forward_id", string="Updates", readonly=True
    )

    _sql_constraints = [
        (
            "external_uniq",
            "unique(handler_id, external_id)",
            "The handler's reference points to one forwarded request.",
        )
    ]

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _get_setting(self, name):
        # sudo: a technical setting (delays, timeout), read by whoever
        # forwards a request; nothing secret
        value = self.env["ir.config_parameter"].sudo().get_param(PARAM + name)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = 0
        # missing, emptied or nonsense: the shipped default, never "no delay"
        return value if value > 0 else DEFAULTS[name]

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------

    @api.model
    def _forward(self, request, handler):
        """Hand ``request`` to ``handler``: recorded now, sent by the job
        (Open311) or by email (signed link). Logged in the request's history."""
        # sudo: the forward is the town's record of the handing-over, made as
        # a consequence of routing whoever filed or moved the request.
        now = fields.Datetime.now()
        forward = self.sudo().create(
            {
                "request_id": request.id,
                "handler_id": handler.id,
                "reference": request.name,
                "access_token": secrets.token_urlsafe(32),
                "date_next_attempt": now,
                "date_link_expiry": now
                + timedelta(days=self._get_setting("link_days")),
            }
        )
        forward._log(
            lambda env: env._(
                "Forwarded to %(handler)s.", handler=forward.handler_id.name
            )
        )
        if forward.kind == "link":
            forward._send_link()
        else:
            forward._trigger_job()
        return forward

    def _trigger_job(self):
        # sudo: waking the job up is no privilege of its own; whoever may
        # forward a request may have it sent now.
        self.env.ref(
            "citizen_relation_routing.ir_cron_citizen_request_forward"
        ).sudo()._trigger()

    def _log(self, build):
        """A note in the request's history, in its staff's language:
        ``build(env)`` gives its text."""
        for forward in self:
            request = forward.request_id
            # written by the system (OdooBot), whoever set it off: a citizen
            # on the web form, the job, a contractor through the signed link
            request.message_post(
                body=build(request._get_staff_env()),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.ref("base.partner_root").id,
            )

    # ------------------------------------------------------------------
    # Signed link
    # ------------------------------------------------------------------

    def _get_work_url(self):
        self.ensure_one()
        # sudo: the token is read only to build the link emailed to the
        # handler's contact (or sent to their server); never shown to a user
        return (
            f"{self.request_id.get_base_url()}/requests/work/{self.id}"
            f"?token={self.sudo().access_token}"
        )

    def _get_photo_url(self, attachment):
        """Signed address of one photo of the work, for the handler."""
        self.ensure_one()
        # sudo: same as _get_work_url, for the media_url sent to the handler
        return (
            f"{self.request_id.get_base_url()}/requests/work/{self.id}/photo/"
            f"{attachment.id}?token={self.sudo().access_token}"
        )

    def _send_link(self):
        """Email the signed link of the work to the handler's contact. The
        email waits in the mail queue, which retries it."""
        template = self.env.ref(
            "citizen_relation_routing.mail_template_forward_link",
            raise_if_not_found=False,
        )
        now = fields.Datetime.now()
        days = self._get_setting("link_days")
        for forward in self:
            forward.write(
                {
                    "state": "sent",
                    "date_sent": now,
                    "date_next_attempt": False,
                    "date_link_expiry": now + timedelta(days=days),
                }
            )
            if template:
                template.send_mail(forward.id)
            forward._log(
                lambda env, forward=forward: env._(
                    "Signed link of the work emailed to %(contact)s.",
                    contact=forward.handler_id.partner_id.email_formatted,
                )
            )

    @api.model
    def _get_by_token(self, forward_id, token, photo=False):
        """The forward whose signed link is ``forward_id`` and ``token``, or
        an empty recordset: unknown, wrong token, expired or cancelled. The
        page of the work is for handlers reached by link; the address of a
        photo (``photo``) also serves the media_url sent over Open311."""
        # sudo: the visitor holds no account; the token is the proof, checked
        # below in constant time before anything is shown.
        forward = self.sudo().browse(forward_id).exists()
        if (
            not forward
            or not token
            or not forward.access_token
            or not consteq(forward.access_token, str(token))
            or forward.state == "cancelled"
            or not forward.date_link_expiry
            or forward.date_link_expiry < fields.Datetime.now()
        ):
            return self.browse()
        if not photo and (forward.kind != "link" or forward.state == "failed"):
            return self.browse()
        return forward

    def _get_public_photos(self):
        """Photos of the request that its public messages carry: what the
        requester sent, never the files of internal notes."""
        self.ensure_one()
        messages = self.request_id.message_ids.filtered(
            lambda m: m.message_type in ("comment", "email")
            and not (m.subtype_id and m.subtype_id.internal)
        )
        return messages.attachment_ids.filtered(
            lambda a: (a.mimetype or "").startswith("image/")
            and "svg" not in a.mimetype
        )

    def _mark_done(self, comment, photos, author=None):
        """The handler finished the work: their comment (and photos) become a
        public message of the request, its open work orders are done and the
        request is resolved.

        :param list photos: ``(name, data, mimetype)`` already checked
        """
        self.ensure_one()
        request = self.request_id
        author = author or self.handler_id.partner_id
        # the photos come as content, not as attachments made beforehand:
        # message_post drops the attachments a visitor did not upload to
        # the composer
        request.message_post(
            body=comment,
            attachments=[(name, data) for name, data, _mimetype in photos],
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._log(
            lambda env: env._("Work done by %(handler)s.", handler=self.handler_id.name)
        )
        self._resolve_request()

    def _resolve_request(self):
        """Finish the work orders still open and resolve the request."""
        request = self.request_id
        orders = request.work_order_ids._filter_open()
        done_stage = self.env["maintenance.stage"].search(
            [("done", "=", True)], limit=1
        )
        if orders and done_stage:
            orders.write({"stage_id": done_stage.id})
        if not request.is_closed:
            request.action_resolve()

    # ------------------------------------------------------------------
    # Open311: sending
    # ------------------------------------------------------------------

    def _get_open311_values(self):
        """What the handler's server receives: only what the work needs, no
        name, email or phone of the requester. Our reference goes as an
        attribute and at the end of the description, where a GeoReport
        server keeps it."""
        self.ensure_one()
        request = self.request_id
        handler = self.handler_id
        description = html2plaintext(request.description or "").strip()
        address = ", ".join(
            part
            for part in (
                request.street,
                " ".join(filter(None, [request.zip, request.city])),
            )
            if part
        )
        values = {
            "api_key": handler.api_key or "",
            "service_code": handler._get_service_code(request.category_id) or "",
            "description": f"{request.title}\n\n{description}\n\n{self._get_marker()}",
            "attribute[external_id]": self.reference,
        }
        if handler.jurisdiction_id:
            values["jurisdiction_id"] = handler.jurisdiction_id
        if request.latitude or request.longitude:
            values.update(lat=request.latitude, long=request.longitude)
        if address:
            values["address_string"] = address
        photo = self._get_public_photos()[:1]
        if photo:
            values["media_url"] = self._get_photo_url(photo)
        return values

    def _get_marker(self):
        return f"[Ref. {self.reference}]"

    def _call(self, method, path, **kwargs):
        """One HTTP call to the handler's server; its JSON, or ForwardError."""
        handler = self.handler_id
        timeout = self._get_setting("timeout")
        url = handler._get_url(path)
        try:
            response = http_client.request(method, url, timeout=timeout, **kwargs)
        except http_client.exceptions.ConnectTimeout:
            raise ForwardError(
                self.env._("No connection to %s (timeout).", url)
            ) from None
        except http_client.exceptions.Timeout:
            raise ForwardError(
                self.env._(
                    "No answer from %(url)s within %(timeout)s seconds.",
                    url=url,
                    timeout=timeout,
                ),
                uncertain=True,
            ) from None
        except http_client.exceptions.RequestException as error:
            raise ForwardError(
                self.env._("No connection to %(url)s: %(error)s", url=url, error=error),
                uncertain=method == "POST" and not _never_connected(error),
            ) from None
        if response.status_code >= 400:
            errors = _describe_errors(response)
            retry = (
                response.status_code >= 500 or response.status_code in RETRY_STATUSES
            )
            raise ForwardError(
                self.env._(
                    "%(url)s answered %(status)s: %(errors)s",
                    url=url,
                    status=response.status_code,
                    errors=errors,
                ),
                retry=retry,
                uncertain=retry and method == "POST",
            )
        try:
            return response.json()
        except ValueError:
            raise ForwardError(
                self.env._("%s did not answer in JSON.", url),
                uncertain=method == "POST",
            ) from None

    def _find_on_handler(self):
        """Their request carrying our reference, if an earlier attempt
        reached them: {service_request_id...} or None."""
        params = {"start_date": _iso(self.date_first_attempt - timedelta(minutes=5))}
        code = self.handler_id._get_service_code(self.request_id.category_id)
        if code:
            params["service_code"] = code
        if self.handler_id.jurisdiction_id:
            params["jurisdiction_id"] = self.handler_id.jurisdiction_id
        marker = self._get_marker()
        for item in _as_list(self._call("GET", "requests.json", params=params)):
            if marker in (item.get("description") or "") and item.get(
                "service_request_id"
            ):
                return item
        return None

    def _send_open311(self):
        """One attempt to hand the request to the handler's server."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.write(
            {
                "attempt_count": self.attempt_count + 1,
                "date_first_attempt": self.date_first_attempt or now,
            }
        )
        found = self._find_on_handler() if self.may_have_reached else None
        if found:
            return self._mark_sent(found, checked=True)
        answer = _as_list(
            self._call("POST", "requests.json", data=self._get_open311_values())
        )
        return self._mark_sent(answer[0] if answer else {})

    def _mark_sent(self, answer, checked=False):
        external_id = str(answer.get("service_request_id") or "") or False
        token = str(answer.get("token") or "") or False
        if not external_id and not token:
            raise ForwardError(
                self.env._(
                    "The handler's answer holds neither a request id nor a token."
                ),
                uncertain=True,
            )
        self.write(
            {
                "state": "sent",
                "external_id": external_id,
                "external_token": token,
                "date_sent": fields.Datetime.now(),
                "date_next_attempt": False,
                "may_have_reached": False,
                "last_error": False,
            }
        )
        if checked:
            self._log(
                lambda env: env._(
                    "Found with %(handler)s under their reference %(ref)s: an earlier "
                    "attempt had reached them, nothing was sent again.",
                    handler=self.handler_id.name,
                    ref=external_id or token,
                )
            )
        else:
            self._log(
                lambda env: env._(
                    "Received by %(handler)s under their reference %(ref)s.",
                    handler=self.handler_id.name,
                    ref=external_id or token,
                )
            )

    def _record_failure(self, error):
        """Keep the reason; retry later (delay doubled each time, capped) or
        stop when the handler refused the request itself."""
        self.ensure_one()
        vals = {"last_error": str(error)}
        if error.uncertain:
            vals["may_have_reached"] = True
        if error.retry:
            first = self._get_setting("retry_minutes")
            cap = self._get_setting("retry_max_hours") * 60
            delay = min(first * 2 ** max(self.attempt_count - 1, 0), cap)
            vals["date_next_attempt"] = fields.Datetime.now() + timedelta(minutes=delay)
            self.write(vals)
            self._log(
                lambda env: env._(
                    "Sending to %(handler)s failed (attempt %(count)s): %(error)s "
                    "Next attempt: %(date)s.",
                    handler=self.handler_id.name,
                    count=self.attempt_count,
                    error=str(error),
                    date=fields.Datetime.to_string(vals["date_next_attempt"]),
                )
            )
        else:
            vals.update(state="failed", date_next_attempt=False)
            self.write(vals)
            self._log(
                lambda env: env._(
                    "%(handler)s refused the request: %(error)s Correct the handler's "
                    "settings, then retry.",
                    handler=self.handler_id.name,
                    error=str(error),
                )
            )

    # ------------------------------------------------------------------
    # Open311: updates coming back
    # ------------------------------------------------------------------

    def _apply_update(self, update):
        """Apply one update of the handler once: a public message, and the
        stage its status maps to. Returns whether it was new."""
        self.ensure_one()
        update_id = str(update.get("update_id") or "")
        if not update_id or update_id in self.update_ids.mapped("update_id"):
            return False
        status = str(update.get("status") or "")
        code = str(update.get("external_status_code") or "")
        description = str(update.get("description") or "").strip()
        media_url = str(update.get("media_url") or "")
        self.env["citizen.request.forward.update"].create(
            {
                "forward_id": self.id,
                "update_id": update_id,
                "status": status,
                "external_status_code": code,
                "description": description,
                "media_url": media_url or False,
                "date": _parse_date(update.get("updated_datetime")),
            }
        )
        if description or media_url:
            self._post_update_message(description, media_url)
        stage = self.env["citizen.request.stage"]._from_open311_status(status, code)
        if stage and stage != self.request_id.stage_id:
            self._apply_update_stage(stage, status or code, description)
        return True

    def _post_update_message(self, description, media_url):
        """The handler's words become a public message of the request; their
        photo stays on their server, linked."""
        request = self.request_id
        body = Markup("<p>%s</p>") % description if description else Markup("")
        if media_url.startswith(("https://", "http://")):
            body += Markup('<p><a href="%s" rel="noopener noreferrer">%s</a></p>') % (
                media_url,
                request._get_staff_env()._("Photo of the work"),
            )
        partner = self.handler_id.partner_id
        request.message_post(
            body=body,
            author_id=partner.id or False,
            email_from=partner.email_formatted or self.handler_id.name,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _apply_update_stage(self, stage, status, description):
        """The stage the handler's status maps to (citizen.request.stage's
        Open311 mapping). Finished work resolves the request and its work
        orders; a refusal (duplicate, not their responsibility...) gives the
        work back to the town: the forward fails, the request keeps its
        stage and its agents decide."""
        request = self.request_id
        self._log(
            lambda env: env._(
                "%(handler)s reports: %(status)s.",
                handler=self.handler_id.name,
                status=status,
            )
        )
        if stage.is_rejected:
            reason = self.env._(
                "%(handler)s declined the work (%(status)s). %(description)s",
                handler=self.handler_id.name,
                status=status,
                description=description,
            )
            self.write({"state": "failed", "last_error": reason})
            return
        if stage.is_closed:
            self.write({"state": "done", "date_done": fields.Datetime.now()})
            self._resolve_request()
        if request.stage_id != stage:
            request.stage_id = stage

    # ------------------------------------------------------------------
    # Actions and job
    # ------------------------------------------------------------------

    def action_retry(self):
        """Send again now a forward refused or waiting (after correcting the
        handler's settings)."""
        for forward in self.filtered(lambda f: f.state in ("queued", "failed")):
            forward._log(
                lambda env, forward=forward: env._(
                    "Sending to %(handler)s asked again.",
                    handler=forward.handler_id.name,
                )
            )
            if forward.kind == "link":
                forward._send_link()
                continue
            forward.write(
                {"state": "queued", "date_next_attempt": fields.Datetime.now()}
            )
            forward._trigger_job()
        return True

    def action_cancel(self):
        for forward in self.filtered(lambda f: f.state in ("queued", "failed", "sent")):
            forward.write({"state": "cancelled", "date_next_attempt": False})
            forward._log(
                lambda env, forward=forward: env._(
                    "Forwarding to %(handler)s cancelled.",
                    handler=forward.handler_id.name,
                )
            )
        return True

    def action_open_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "citizen.request",
            "res_id": self.request_id.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_forward(self):
        """Send the forwards due, then read the handlers' updates. Each
        forward is committed on its own: one handler's outage neither blocks
        nor undoes the others."""
        due = self.search(
            [
                ("state", "=", "queued"),
                ("handler_id.kind", "=", "open311"),
                ("date_next_attempt", "<=", fields.Datetime.now()),
            ],
            order="date_next_attempt, id",
        )
        for forward in due:
            try:
                forward._send_open311()
            except ForwardError as error:
                forward._record_failure(error)
            _commit(self.env)
        handlers = self.search(
            [("state", "=", "sent"), ("handler_id.kind", "=", "open311")]
        ).handler_id
        for handler in handlers:
            try:
                handler._poll_updates()
            except ForwardError as error:
                _logger.warning("Updates of %s not read: %s", handler.name, error)
            _commit(self.env)
        return True


class CitizenRequestForwardUpdate(models.Model):
    """One update of a handler, applied once (``update_id`` is theirs)."""

    _name = "citizen.request.forward.update"
    _description = "Update of an External Handler"
    _order = "date desc, id desc"

    forward_id = fields.Many2one(
        "citizen.request.forward", required=True, index=True, ondelete="cascade"
    )
    update_id = fields.Char(required=True)
    status = fields.Char()
    external_status_code = fields.Char()
    description = fields.Text()
    media_url = fields.Char()
    date = fields.Datetime()

    _sql_constraints = [
        (
            "update_uniq",
            "unique(forward_id, update_id)",
            "An update of the handler is applied once.",
        )
    ]


def _commit(env):
    """Commit in the job, not in tests (they run in one transaction)."""
    testing = getattr(threading.current_thread(), "testing", False)
    if not testing and not modules.module.current_test:
        env.cr.commit()


def _never_connected(error):
    """The connection was never made (refused, unknown host): nothing of
    the request reached the handler."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, NewConnectionError)


def _iso(value):
    return fields.Datetime.to_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(value):
    from dateutil import parser

    try:
        parsed = parser.isoparse(value)
    except (TypeError, ValueError):
        return fields.Datetime.now()
    if parsed.tzinfo:
        from datetime import timezone

        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _as_list(answer):
    """GeoReport answers a list; some servers wrap it in an object."""
    if isinstance(answer, dict):
        for key in ("service_requests", "service_request_updates", "request_updates"):
            if isinstance(answer.get(key), list):
                return answer[key]
        return [answer]
    return answer if isinstance(answer, list) else []


def _describe_errors(response):
    """GeoReport errors: [{"code": ..., "description": ...}]."""
    try:
        errors = _as_list(response.json())
        text = "; ".join(
            str(e.get("description") or e.get("code"))
            for e in errors
            if isinstance(e, dict)
        )
    except ValueError:
        text = ""
    return text[:500] or (response.text or "")[:200] or response.reason
