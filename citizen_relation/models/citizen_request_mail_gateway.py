"""Mail gateway: emails to the town's aliases opening requests, replies,
automatic answers, bounces and the recipients suggested to agents."""

import logging

from odoo import api, fields, models, tools
from odoo.tools.mail import email_split_tuples

_logger = logging.getLogger(__name__)


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.autovacuum
    def _gc_email_deliveries(self):
        """Forget the Message-Ids of the emails delivered more than a day ago:
        they only guard against deliveries at the same moment."""
        self.env.cr.execute(
            "DELETE FROM citizen_request_email_delivery "
            "WHERE create_date < (now() AT TIME ZONE 'UTC') - interval '1 day'"
        )

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        # Without an address, Odoo would count every request that has no email
        # (taken by phone or at the counter) and drop the email.
        if not email_from_normalized:
            return []
        return super()._detect_loop_sender_domain(email_from_normalized)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email to the alias creates a request on the email channel."""
        values = dict(custom_values or {})
        email_from = msg_dict.get("email_from") or ""
        names = email_split_tuples(email_from)
        name, email = names[0] if names else ("", email_from)
        values.setdefault(
            "title", msg_dict.get("subject") or self.env._("(no subject)")
        )
        # Without a name, mail.thread would use the subject as reference.
        values.setdefault("name", "/")
        values.setdefault("channel", "email")
        values.setdefault("source_ref", msg_dict.get("message_id"))
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("contact_email", email)
        values.setdefault("contact_name", name or email)
        if "partner_id" not in values and (normalized := tools.email_normalize(email)):
            # The sender is found as on every channel (the contact that
            # confirmed the address), not as the gateway finds authors (any
            # account holding the address, confirmed or not).
            requester = self._match_partner(
                normalized, False
            ) or self._create_requester(
                (name or "").strip() or normalized, normalized, False
            )
            values["partner_id"] = requester.id
            # the email opening the request is posted as its requester
            msg_dict["author_id"] = requester.id
        if msg_dict.get("date"):
            values.setdefault("date_received", msg_dict["date"])
        values["date_received"] = min(
            fields.Datetime.to_datetime(values.get("date_received"))
            or fields.Datetime.now(),
            fields.Datetime.now(),
        )
        return super().message_new(msg_dict, custom_values=values)

    def message_post(self, **kwargs):
        if self.env.context.get("from_alias"):
            # The author of an incoming email is not subscribed: anybody can
            # claim to answer a request; its requester is subscribed when it
            # is created.
            thread = self.with_context(mail_create_nosubscribe=True)
            if self.env.context.get("citizen_auto_submitted"):
                # An automatic answer (out of office...) is kept as a note
                # that notifies nobody.
                kwargs.pop("subtype_xmlid", None)
                kwargs["subtype_id"] = self.env["ir.model.data"]._xmlid_to_res_id(
                    "mail.mt_note"
                )
                kwargs["partner_ids"] = []
            return super(CitizenRequest, thread).message_post(**kwargs)
        return super().message_post(**kwargs)

    def _message_receive_bounce(self, email, partner):
        """An email sent about the request bounced: tell the agents on the
        request and ask them to reach the requester another way, once."""
        res = super()._message_receive_bounce(email, partner)
        activity_type = self._ref("citizen_relation.mail_activity_type_acknowledge")
        for request in self:
            user = request._get_callback_user()
            request_lang = request.with_context(lang=request._get_user_lang(user))
            note = request_lang.env._(
                "The email to %(email)s could not be delivered: call the "
                "requester back or write to them.",
                email=email or "-",
            )
            request.message_post(
                body=note,
                subtype_xmlid="mail.mt_note",
                message_type="notification",
            )
            if activity_type and request.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            request_lang.activity_schedule(
                "citizen_relation.mail_activity_type_acknowledge",
                date_deadline=fields.Date.context_today(request),
                user_id=user.id,
                note=note,
            )
        return res

    def message_update(self, msg_dict, update_vals=None):
        """A reply lands on its request. Mail content never changes the request
        itself; only a genuine message of the requester reopens a resolved
        request. Its copies (Cc) join the request's only when the requester or
        a follower sent it (see :meth:`_citizen_may_add_cc`)."""
        if msg_dict.get("cc") and not self._citizen_may_add_cc(msg_dict):
            _logger.info(
                "Copies of email %s from %s not added to %s: the sender is "
                "neither the requester nor a follower",
                msg_dict.get("message_id"),
                msg_dict.get("email_from"),
                ", ".join(self.mapped("name")),
            )
            msg_dict = dict(msg_dict, cc=False)
        res = super().message_update(msg_dict, update_vals=None)
        if not self.env.context.get("citizen_auto_submitted"):
            author = msg_dict.get("author_id")
            to_reopen = self.filtered(
                lambda r: r.is_closed
                and not r.stage_id.is_rejected
                and r.stage_id == r._get_resolved_stage()
                and author
                and r.partner_id.id == author
            )
            if to_reopen:
                to_reopen.action_reopen()
        return res

    def _citizen_may_add_cc(self, msg_dict):
        """Whether the copies (Cc) of a reply may join the requests' copies,
        which agents are then offered to write to.

        Anybody who knows a Message-Id of the thread can reply to it: only
        the requester and the followers (the agents, the people the town
        added) choose who else hears about a request; a robot (out of office)
        chooses nobody. The sender is the contact found for the From address,
        which is only as trustworthy as the checks of the mail server
        (SPF, DKIM, DMARC).
        """
        if self.env.context.get("citizen_auto_submitted"):
            return False
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not author:
            return False
        return all(
            author == request.partner_id or author in request.message_partner_ids
            for request in self
        )

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for request in self:
            if request.partner_id:
                request._message_add_suggested_recipient(
                    recipients,
                    partner=request.partner_id,
                    reason=self.env._("Requester"),
                )
            elif request.contact_email:
                request._message_add_suggested_recipient(
                    recipients,
                    email=request.contact_email,
                    reason=self.env._("Requester Email"),
                )
        return recipients
