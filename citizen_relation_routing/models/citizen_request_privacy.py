from odoo import models

# Fields of a work order that copy the personal data of its request.
WORK_ORDER_COPIED_FIELDS = ("name", "description", "location")


# The personal data side of routing lives beside its core counterpart
# (citizen_relation/models/citizen_request_privacy.py), not in the routing
# file of the same model: one concern per file.
class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    def _anonymize_copies(self):
        """Routing copies a request into its work orders (title,
        description, address, photos; the technicians' messages) and its
        transfer reasons: they are erased with it. Escalations hold no text
        of their own (their notes are messages of the request)."""
        res = super()._anonymize_copies()
        self._anonymize_work_orders()
        self._anonymize_transfer_reasons()
        return res

    def _anonymize_work_orders(self):
        """Work orders take the request's values again, now anonymised:
        reference and neutral title, no description, the place as the
        request keeps it (city and district). Their chatter (photos copied
        from the request, messages, Cc) is erased as the request's is."""
        # sudo: the anonymisation erases every copy, whoever may read it.
        orders = (
            self.env["maintenance.request"]
            .sudo()
            .search([("citizen_request_id", "in", self.ids)])
        )
        if not orders:
            return
        for request, request_orders in orders.grouped("citizen_request_id").items():
            values = request._prepare_work_order_values()
            # untracked: the change must not keep the old values in a message
            request_orders.with_context(tracking_disable=True).write(
                {
                    **{name: values[name] for name in WORK_ORDER_COPIED_FIELDS},
                    "email_cc": False,
                }
            )
        self._anonymize_records_thread(orders, [*WORK_ORDER_COPIED_FIELDS, "email_cc"])

    def _anonymize_transfer_reasons(self):
        """A transfer keeps its date, teams and author, not the reason an
        agent wrote: it may quote the requester."""
        # sudo: the transfer log is written by the system only.
        self.env["citizen.request.transfer"].sudo().search(
            [("request_id", "in", self.ids)]
        ).write({"reason": self.env._("Reason erased with the personal data.")})
