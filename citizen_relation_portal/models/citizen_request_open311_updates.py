from odoo import models
from odoo.tools import formataddr, plaintext2html


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    def _open311_find_update(self, client, update_id):
        """The message recorded for the update ``update_id`` of ``client``."""
        # sudo: the fields of Open311 updates are the staff's; the caller
        # is the client's authenticated post (see _open311_post_update)
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("open311_api_client_id", "=", client.id),
                    ("open311_update_id", "=", update_id),
                ],
                limit=1,
            )
        )

    def _open311_post_update(
        self,
        client,
        update_id,
        description,
        status=None,
        external_status_code=None,
        media_url=None,
    ):
        """Record the update ``update_id`` an Open311 client posted on this
        request: a public message, and the stage its status names (see
        citizen.request._apply_open311_status). Return the message and
        whether it was created: an update received before is returned as it
        was, and changes nothing.

        The message is the client's, not a person's: it is shown under the
        client's name, and the updater's name or address is not kept.
        """
        self.ensure_one()
        existing = self._open311_find_update(client, update_id)
        if existing:
            return existing, False
        # sudo: the client is authenticated by its key, not as a user; it
        # posts a public message and moves the stage, nothing else
        request_sudo = self.sudo().with_company(self.company_id)
        text = "\n\n".join(part for part in (description, media_url) if part)
        email = self.company_id.email
        message = request_sudo.message_post(
            body=plaintext2html(text),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=False,
            email_from=formataddr((client.name, email)) if email else client.name,
        )
        message.write(
            {
                "open311_api_client_id": client.id,
                "open311_update_id": update_id,
                "open311_media_url": media_url or False,
            }
        )
        if status or external_status_code:
            request_sudo._apply_open311_status(status, external_status_code)
        return message, True
