"""Acknowledgement of receipt: the email queued by the scheduled action,
the call back when no address is known, and the printed receipt."""

import logging

from psycopg2.extensions import TransactionRollbackError

from odoo import api, fields, models, tools

from ..tools import process_in_batches

_logger = logging.getLogger(__name__)


# Requests acknowledged by one run of the acknowledgement job before it
# commits and reports its progress. The emails of a batch leave once it is
# committed: under a burst, the first ones do not wait for a long batch.
ACKNOWLEDGEMENT_BATCH_SIZE = 20


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------

    def _get_acknowledgement_template(self):
        """Mail template of the acknowledgement of receipt (editable data)."""
        return self._ref("citizen_relation.mail_template_request_acknowledgement")

    def _get_requester_email(self):
        self.ensure_one()
        return self.partner_id.email or self.contact_email or False

    def _wake_acknowledgement_job(self):
        """Have the acknowledgement job run as soon as the transaction that
        creates these requests is committed, instead of at its next round.

        One wake-up per transaction, however many requests it creates: a
        trigger of the job, recorded in the transaction, and a notification
        of the scheduler once it is committed (``ir.cron._trigger``). A
        transaction rolled back takes its trigger with it: nothing wakes the
        job for requests that do not exist, and the job acknowledges only
        the requests it finds unacknowledged, under its own lock, so that
        nothing is sent twice. When the wake-up is lost (a savepoint rolled
        back after it, the scheduler down), the job's round every minute
        acknowledges the request.
        """
        data = self.env.cr.precommit.data
        if not self or data.get("citizen_relation.acknowledgement_woken"):
            return
        job = self._ref("citizen_relation.ir_cron_send_acknowledgements")
        if job:
            # What ``ir.cron._trigger()`` does, without reading the job's
            # ``active`` first (a query on every request recorded): a trigger
            # now, and the schedulers notified after the commit. A trigger of
            # an archived job is ignored by the scheduler and removed by its
            # weekly cleaning. sudo: whoever records a request (a visitor, a
            # robot) wakes the town's job; ir.cron is for administrators.
            self.env["ir.cron.trigger"].sudo().create(
                {"cron_id": job.id, "call_at": fields.Datetime.now()}
            )
            self.env.cr.postcommit.add(job.sudo()._notifydb)
        data["citizen_relation.acknowledgement_woken"] = True

    @api.model
    def _cron_send_acknowledgements(self, batch_size=ACKNOWLEDGEMENT_BATCH_SIZE):
        """Acknowledge the requests received and not acknowledged yet, oldest
        first, a batch at a time.

        The acknowledgement is written and queued by this job, woken by the
        commit of the requests (``_wake_acknowledgement_job``) and run every
        minute besides, not inside the transaction that creates them: a
        citizen's form, email or API call is answered without waiting for an
        email to be rendered, a template that cannot be rendered never
        refuses a request, and creating a request costs nothing more for it.
        Looking for pending requests costs one query on a partial index.

        Run by the scheduled action (or its "Run Manually"), it acknowledges
        one batch and reports its progress: the scheduler commits, the job
        sends the batch's emails, and the scheduler calls it again while
        requests remain. Called directly, it goes through every pending
        request in the current transaction. A request whose email cannot be
        prepared gets a call-back activity instead, so that nobody is left
        unacknowledged.
        """
        # sudo: the job acknowledges the requests of every company. The
        # emails are not sent by each post but by batch, once it is committed
        # (``_send_acknowledgement_emails``).
        Request = self.sudo().with_context(mail_notify_force_send=False)
        return process_in_batches(
            Request,
            [("acknowledgement_method", "=", False)],
            "date_received, id",
            batch_size,
            Request._acknowledge_batch,
        )

    def _acknowledge_batch(self, batch):
        """Acknowledge a batch of the job: the emails of the batch are
        rendered together, and handed to the mail server once the batch is
        committed."""
        try:
            with self.env.cr.savepoint():
                messages = batch._send_acknowledgement()
        except Exception:  # noqa: BLE001 - each request is retried below
            # a request of the batch cannot be acknowledged by email (its
            # template fails, or another transaction wrote it meanwhile):
            # one by one, so that it does not hold back the others
            _logger.info(
                "Acknowledgement of %s requests retried one by one", len(batch)
            )
            messages = self.env["mail.message"]
            for request in batch:
                messages |= request._send_acknowledgement_safely()
        self._send_acknowledgement_emails(messages)

    def _send_acknowledgement_emails(self, messages):
        """Hand the emails of the acknowledgements ``messages`` to the mail
        server. In a run of the scheduler, which commits the batch as soon as
        it is done, they are sent right after that commit, by the job itself:
        no email leaves for a batch rolled back, and none waits for a round
        of the mail queue. Called outside the scheduler (a script, a test),
        the mail queue sends them once the caller has committed."""
        if not messages:
            return
        # sudo: the emails of the town's acknowledgements, queued by this job
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    ("state", "=", "outgoing"),
                ]
            )
        )
        if not mails:
            return
        if self.env.context.get("ir_cron_progress_id"):
            mails.send_after_commit()
            return
        mail_queue = self._ref("mail.ir_cron_mail_scheduler_action")
        if mail_queue:
            mail_queue._trigger()

    def _send_acknowledgement_safely(self):
        """Acknowledge one request; when its email fails to be prepared, fall
        back on a call-back activity for an agent. A request written by
        another transaction meanwhile is left for the next run. Returns the
        message posted, if any."""
        self.ensure_one()
        request = self.with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                return request._send_acknowledgement()
        except TransactionRollbackError:
            # written meanwhile by another transaction (a report of the same
            # problem linked to it): acknowledged by the job's next run, a
            # moment later, without holding back the rest of the batch
            _logger.info(
                "Acknowledgement of %s postponed: written meanwhile", self.name
            )
        except Exception:
            _logger.exception(
                "Acknowledgement email of %s could not be prepared", self.name
            )
            request.with_context(
                citizen_acknowledge_by_callback=True
            )._send_acknowledgement()
        return self.env["mail.message"]

    def _send_acknowledgement(self):
        """Acknowledge the requests not acknowledged yet: an email when an
        address is known, else an activity for the agent to call back or
        write. Calling it again does nothing: each request is acknowledged
        once. Returns the messages of the emails."""
        template = self._get_acknowledgement_template()
        pending = self.filtered(lambda r: not r.acknowledgement_method)
        by_email = pending.browse()
        if template and not self.env.context.get("citizen_acknowledge_by_callback"):
            by_email = pending.filtered(lambda r: r._get_requester_email())
        # The town writes the acknowledgement, never the requester; Odoo
        # emails nobody what the current user posts, and the requester is the
        # current user on the portal or when their email is routed to their
        # account: they are told anyway.
        groups = by_email.grouped(
            lambda r: (r.company_id, r.partner_id == self.env.user.partner_id)
        )
        messages = self.env["mail.message"]
        for (company, is_requester), requests in groups.items():
            messages |= (
                requests.with_company(company)
                .with_context(mail_notify_author=is_requester)
                ._post_acknowledgement_emails(template)
            )
        for request in pending - by_email:
            request.with_company(
                request.company_id
            )._schedule_acknowledgement_callback()
        return messages

    def _post_acknowledgement_emails(self, template):
        """Acknowledge the requests, all of one company, by the email of
        ``template``: Odoo's composer renders the template for all of them at
        once and posts the email on each request."""
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                default_composition_mode="comment",
                default_model=self._name,
                default_res_ids=self.ids,
                default_template_id=template.id,
            )
            .create(
                {
                    "message_type": "notification",
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_comment"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                    **self[:1]._get_acknowledgement_author(),
                }
            )
        )
        _mails, messages = composer._action_send_mail()
        self.write(
            {
                "acknowledgement_method": "email",
                "date_acknowledged": fields.Datetime.now(),
            }
        )
        return messages

    def _schedule_acknowledgement_callback(self):
        """Acknowledge the request by an activity for an agent, who calls the
        requester back or writes to them."""
        self.ensure_one()
        user = self._get_callback_user()
        request_lang = self.with_context(lang=self._get_user_lang(user))
        request_lang.activity_schedule(
            "citizen_relation.mail_activity_type_acknowledge",
            date_deadline=fields.Date.context_today(self),
            user_id=user.id,
            note=request_lang._get_callback_note(),
        )
        self.acknowledgement_method = "callback"

    def _get_acknowledgement_author(self):
        """Author and sender of the acknowledgement: the company's contact."""
        self.ensure_one()
        company = self.company_id or self.env.company
        values = {"author_id": company.partner_id.id}
        email = company.partner_id.email or company.default_from_email
        if email:
            values["email_from"] = tools.formataddr((company.name or "", email))
        return values

    def _get_callback_user(self):
        """Agent who calls back: the assignee, else the agent who recorded
        the request; requests from the website or robots fall to the
        administrator until they are assigned."""
        self.ensure_one()
        for user in (self.user_id, self.create_uid, self.env.user):
            if user and user.active and not user.share:
                return user
        return (
            self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        )

    def _get_callback_note(self):
        self.ensure_one()
        return self.env._(
            "No email address is known for this requester: call them back or "
            "write to them with the reference %(reference)s and the announced "
            "deadline %(deadline)s.",
            reference=self.name,
            deadline=self.date_deadline or "-",
        )

    def action_print_receipt(self):
        """Print the receipt (récépissé); it acknowledges a request that had
        no acknowledgement yet."""
        activity_type = self._ref("citizen_relation.mail_activity_type_acknowledge")
        for request in self.filtered(lambda r: not r.date_acknowledged):
            request.write(
                {
                    "acknowledgement_method": "receipt",
                    "date_acknowledged": fields.Datetime.now(),
                }
            )
            # The receipt handed over or posted replaces the call back.
            request.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ).action_feedback(feedback=self.env._("Receipt printed."))
        report = self.env.ref("citizen_relation.action_report_request_receipt")
        return report.report_action(self)
